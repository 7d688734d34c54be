"""What the invoice page shows, read in one session and shaped as the contract's views (module functions,
no I/O but the given session): the parts each feature's own RPC shows, with the same views."""

from services.billing.bank_files import storage as payment_storage
from services.billing.einvoice import sending
from services.billing.einvoice import storage as einvoice_storage
from services.billing.einvoice.views import sending_view
from services.billing.email_delivery import storage as email_storage
from services.billing.email_delivery.views import delivery_view
from services.billing.invoices import storage as invoice_storage
from services.billing.invoices.views import PERSONAL_FIELDS, invoice_view, payment_view
from services.billing.reminders import storage as reminder_storage
from services.billing.reminders import views as reminder_views

PAYMENTS = 100  # the most payments shown (as list_payments' default)


def read(session, key):
    """The rows of everything the page shows of the invoice ``key``."""
    invoice = invoice_storage.get(session, key)
    reminders = reminder_storage.of_invoice(session, key)
    return {
        "invoice_row": invoice,
        "lines": invoice_storage.lines_of(session, key),
        "payments": payment_storage.list_payments(session, None, key, PAYMENTS),
        "sendings": einvoice_storage.of_invoice(session, key),
        "reminders": reminders,
        "reminder_mails": email_storage.of_documents(session, "reminder", [row["id"] for row in reminders]),
        "emails": email_storage.of_invoices(session, [key]).get(key, []),
        "credit_notes": invoice_storage.credit_notes_of(session, key),
    }


def may_take_einvoice(page):
    """Whether the page offers the e-invoice form: the invoice may be sent and no sending is live."""
    if sending.refusal(page["invoice_row"]):
        return False
    return all(row["status"] == "rejected" for row in page["sendings"])


def disclosed(page, defaults):
    """The audit record's fields and details: the invoice's personal fields, and the parts' own."""
    fields = list(PERSONAL_FIELDS)
    if page["sendings"]:
        fields.append("to_identifier")
    if page["reminders"]:
        fields.append("delivery_address")
    if defaults and defaults["source"]:
        fields.extend(("einvoice_address", "einvoice_operator"))
    details = {
        "number": page["invoice_row"]["number"],
        "page": True,
        "payments": len(page["payments"]),
        "sendings": len(page["sendings"]),
        "reminders": len(page["reminders"]),
    }
    if defaults and defaults["source"]:
        details["einvoice_address_source"] = defaults["source"]
    return list(dict.fromkeys(fields)), details


def view(page, defaults):
    invoice = page["invoice_row"]
    return {
        "invoice": invoice_view(invoice, page["lines"]),
        "payments": [payment_view(row) for row in page["payments"]],
        "sendings": [sending_view(row) for row in page["sendings"]],
        "reminders": reminder_views.reminders_view(page["reminders"], invoice, page["reminder_mails"]),
        "on_hold": invoice["on_hold"],
        "emails": [delivery_view(row) for row in reversed(page["emails"])],
        "credit_notes": [
            {"id": str(row["id"]), "number": row["number"], "invoice_date": row["invoice_date"].isoformat()}
            for row in page["credit_notes"]
        ],
        "sending_refused": sending.refusal(invoice),
        "einvoice_defaults": defaults,
    }
