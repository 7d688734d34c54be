"""The billing service's part of G3 and G4, mixed into BillingService.

G3: ``personal_data`` lists the person's invoices (as payer or couple partner) with their lines and when
their stored PDF was made (B2, ``pdf_stored_at``), the payments on them, their e-invoice sendings,
reminders and e-mailings (audited). G4:
``on_erasure_requested`` (durable queue ``piiri.erasure.billing``) pseudonymises them, keeping the
bookkeeping records (erasure_storage.py says what and why), then reports.
"""

import logging

from nameko.messaging import consume
from nameko.rpc import rpc

from piiri import erasure as protocol
from piiri.context import SYSTEM
from piiri.errors import EXPECTED_ERRORS
from services.billing import erasure_storage, models
from services.billing.core import BillingCore
from services.billing.einvoice import storage as einvoice_storage
from services.billing.einvoice.views import sending_view
from services.billing.email_delivery import storage as email_storage
from services.billing.email_delivery.views import delivery_view
from services.billing.invoice_pdfs import storage as pdf_storage
from services.billing.invoices import storage as invoice_storage
from services.billing.invoices.views import invoice_view, payment_view
from services.billing.reminders import storage as reminder_storage
from services.billing.reminders.views import reminder_view
from services.billing.runs.queue import queue_run_pdfs

log = logging.getLogger(__name__)
GDPR_OFFICER = "gdpr.officer"
# What the access report shows of each invoice and payment (a PDF table: a column per field).
REPORTED_INVOICE = (
    "id",
    "number",
    "status",
    "invoice_date",
    "reference",
    "payer_name",
    "address",
    "email",
    "einvoice_address",
    "total",
    "paid_amount",
)
REPORTED_PAYMENT = ("id", "booked_on", "amount", "reference", "payer_name", "payer_iban", "invoice_id")
REPORTED_EINVOICE = ("sent_at", "status", "to_identifier", "to_intermediator", "invoice_id")
REPORTED_REMINDER = (
    "invoice_number",
    "level",
    "reminder_date",
    "due_date",
    "fee",
    "interest",
    "total",
    "delivery",
    "delivery_status",
)
REPORTED_EMAIL = ("document_kind", "queued_at", "status", "sent_at", "bounced_at", "failed_at", "invoice_id")


def reported(view, names):
    if "address" in names:
        parts = (view.get("street"), view.get("postal_code"), view.get("city"), view.get("country"))
        view = {**view, "address": ", ".join(part for part in parts if part) or None}
    return {name: view.get(name) for name in names}


class BillingErasure(BillingCore):
    erasure_reporter = protocol.ErasureReporter()

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def personal_data(self, contact_id):
        actor = self.context.require(GDPR_OFFICER)
        key = invoice_storage.parse_id(contact_id)
        session = self.db.session
        found = erasure_storage.invoices_of(session, key) if key else []
        stored = pdf_storage.of_invoices(session, [row["id"] for row in found])  # B2: a run's stored PDF
        items = [
            {
                **reported(invoice_view(row), REPORTED_INVOICE),
                "pdf_stored_at": stored[row["id"]]["rendered_at"].isoformat()
                if row["id"] in stored
                else None,
            }
            for row in found
        ]
        paid = [
            reported(payment_view(row), REPORTED_PAYMENT)
            for row in erasure_storage.payments_of(session, [row["id"] for row in found])
        ]
        sent = [
            reported(sending_view(row), REPORTED_EINVOICE)
            for row in einvoice_storage.of_invoices(session, [row["id"] for row in found])
        ]
        numbers = {row["id"]: row for row in found}
        reminded = [
            reported(reminder_view(row, numbers[row["invoice_id"]]), REPORTED_REMINDER)
            for row in reminder_storage.of_contact_invoices(session, list(numbers))
        ]
        mailed = [
            reported(delivery_view(row), REPORTED_EMAIL)
            for rows in email_storage.of_invoices(session, [row["id"] for row in found], None).values()
            for row in rows
        ]
        session.rollback()
        self.audit.read(
            actor,
            "invoice.personal_data_read",
            "contact",
            [str(contact_id)],
            details={
                "invoices": len(items),
                "payments": len(paid),
                "einvoices": len(sent),
                "reminders": len(reminded),
                "email_deliveries": len(mailed),
            },
        )
        return {
            "service": "billing",
            "contact_id": str(contact_id),
            "sections": {
                "invoices": items,
                "payments": paid,
                "einvoices": sent,
                "reminders": reminded,
                "email_deliveries": mailed,
            },
        }

    @consume(protocol.request_queue("billing"), requeue_on_error=True)
    def on_erasure_requested(self, body):
        request = protocol.load_request(body)
        self.context.act_as(SYSTEM)
        key = invoice_storage.parse_id(request["contact_id"])
        with self.db.transaction() as session:
            summary = erasure_storage.erase_contact(session, key) if key else {}
            for run_id in summary.pop("_pdf_runs", []):  # B2: the pseudonymised invoices' PDFs anew
                queue_run_pdfs(self.outbox, session, run_id)
            summary["outbox_deleted"] = erasure_storage.delete_published_outbox(session, models.outbox, key)
        self.outbox.flush()
        self.erasure_reporter.publish(
            protocol.report(request["erasure_id"], request["contact_id"], "billing", summary),
            routing_key=protocol.COMPLETED,
        )
        log.info("billing: erasure %s: %s", request["erasure_id"], summary)
