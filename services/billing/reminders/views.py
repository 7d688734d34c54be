"""Reminders as the RPCs return them (JSON-safe: amounts as "12.50" texts, dates ISO): a planned reminder of
a preview, an excluded invoice, a stored reminder, a run, the levels, and the values a reminder is stored
with."""

from datetime import date
from decimal import Decimal

from services.billing.email_delivery.views import latest_status
from services.billing.invoices import money
from services.billing.reminders import rules

REMINDER_FIELDS = (
    "id",
    "invoice_id",
    "run_id",
    "level",
    "reminder_date",
    "due_date",
    "days_overdue",
    "receivable",
    "principal_open",
    "fee",
    "interest",
    "interest_from",
    "interest_to",
    "interest_rate",
    "total",
    "delivery",
    "delivery_status",
    "delivery_detail",
    "delivered_at",
    "delivery_attempts",
    "next_attempt_at",
    "created_at",
)
RUN_FIELDS = (
    "id",
    "reminder_date",
    "actor_username",
    "status",
    "reminders_created",
    "total",
    "excluded",
    "error",
    "attempts",
    "created_at",
    "started_at",
    "finished_at",
)


def _json(value):
    if isinstance(value, Decimal):
        return money.text(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is not None and not isinstance(value, (str, int, float, bool, list, dict)):
        return str(value)
    return value


def reminder_view(reminder, invoice=None):
    view = {name: _json(reminder.get(name)) for name in REMINDER_FIELDS}
    if invoice is not None:
        view["invoice_number"] = invoice["number"]
        view["payer_name"] = invoice["payer_name"]
        view["contact_id"] = _json(invoice.get("contact_id"))
    return view


def reminders_view(rows, invoice, mails):
    """The invoice's reminders as invoice_reminders and the invoice page show them: each with its latest
    e-mailing (``mails``: email_delivery.storage.of_documents of the reminders)."""
    return [{**reminder_view(row, invoice), "email": latest_status(mails.get(row["id"], []))} for row in rows]


def run_view(run):
    return {name: _json(run.get(name)) for name in RUN_FIELDS}


def run_einvoices_view(einvoices):
    """B4: a reminder run's e-invoices by where they stand (storage.einvoices_of_run), or None."""
    if einvoices is None:
        return None
    return {**einvoices, "next_attempt_at": _json(einvoices["next_attempt_at"])}


def planned_view(invoice, priced, on: date, settings):
    due = priced["due"]
    return {
        "invoice_id": str(invoice["id"]),
        "number": invoice["number"],
        "contact_id": _json(invoice.get("contact_id")),
        "payer_name": invoice["payer_name"],
        "receivable": priced["receivable"],
        "due_date": invoice["due_date"].isoformat(),
        "days_overdue": due.days_overdue,
        "level": due.level,
        "principal_open": money.text(priced["principal_open"]),
        "fee": money.text(priced["fee"]),
        "interest": money.text(priced["interest"]),
        "interest_rate": priced.get("interest_rate"),
        "total": money.text(priced["total"]),
        "new_due_date": rules.new_due_date(on, settings).isoformat(),
    }


def excluded_view(invoice, reason):
    return {
        "invoice_id": str(invoice["id"]),
        "number": invoice["number"],
        "contact_id": _json(invoice.get("contact_id")),
        "payer_name": invoice["payer_name"],
        "due_date": invoice["due_date"].isoformat(),
        "reason": reason,
    }


def levels_view(settings):
    return {
        "levels": list(settings.levels),
        "fee_consumer": money.text(settings.fee_consumer),
        "fee_business": money.text(settings.fee_business),
        "business_compensation": settings.business_compensation,
        "business_commercial": settings.business_commercial,
        "interest": settings.interest,
        "payment_days": settings.payment_days,
        "collection_days": settings.collection_days,
    }


def reminder_values(invoice, priced, on: date, settings, run_id):
    due = priced["due"]
    return {
        "invoice_id": invoice["id"],
        "run_id": run_id,
        "level": due.level,
        "reminder_date": on,
        "due_date": rules.new_due_date(on, settings),
        "days_overdue": due.days_overdue,
        "receivable": priced["receivable"],
        "principal_open": priced["principal_open"],
        "fee": priced["fee"],
        "interest": priced["interest"],
        "interest_from": priced["interest_from"],
        "interest_to": priced["interest_to"],
        "interest_rate": priced.get("interest_rate"),
        "total": priced["total"],
        "delivery": "print",
    }


def file_name(reminder, invoice):
    return f"reminder-{invoice['number']}-{reminder['level']}.pdf"


def subjects(invoices):
    found = []
    for invoice in invoices:
        for key in (invoice.get("contact_id"), invoice.get("partner_id")):
            if key and str(key) not in found:
                found.append(str(key))
    return found
