"""Invoices by e-mail (B3), a billing feature (BillingCore): e-mail one invoice (the invoice page's
button) or every invoice of a run that should go by e-mail (after a preview of who is left out and why),
through the mailing service's SMTP path, and follow each mail to sent, bounced or failed.

A delivery is stored first (in the caller's transaction, so a crash loses nothing), then handed to the
mailing service (``queue_mail``, idempotent by the delivery's id) at once for one invoice and by the
``hand_over_emails`` timer for runs; the PDF does not travel with it: the mailing worker asks
``mail_document`` for it when it sends, so the bus carries small messages and the PDF is made once. The
mailing service's ``mail_sent`` / ``mail_bounced`` / ``mail_failed`` events update the delivery.

``deliver_document`` is the one way a billing document goes by e-mail: reminders call it with their own
document kind, payer and template."""

import base64
import logging
import uuid
from datetime import UTC, datetime

from nameko.events import event_handler
from nameko.rpc import rpc
from nameko.timer import timer

from piiri.context import Actor
from piiri.dead_letters import Unprocessable
from piiri.errors import EXPECTED_ERRORS, Conflict, NotFound, PiiriError, ServiceUnavailable
from services.billing.contract import PERMISSION
from services.billing.core import BillingCore
from services.billing.email_delivery import rules, storage
from services.billing.email_delivery.views import delivery_view, latest_status
from services.billing.invoice_pdfs import making
from services.billing.invoices import storage as invoice_storage
from services.billing.invoices.views import PERSONAL_FIELDS, subjects
from services.billing.reminders import document as reminder_document
from services.billing.reminders import storage as reminder_storage
from services.billing.reminders import views as reminder_views
from services.billing.runs import storage as run_storage

log = logging.getLogger(__name__)

HANDOVER_INTERVAL = 1.0
FLAGS_PAGE = 1000
LISTED = 200  # invoices listed per reason in a preview
MAIL_STATUSES = {"mail_sent": "sent", "mail_bounced": "bounced", "mail_failed": "failed"}


def delivery_of(payload):
    """(delivery id, mail id, status, code, at) of a mailing event about a billing delivery, or None."""
    payload = payload if isinstance(payload, dict) else {}
    reference = payload.get("reference") or {}
    if reference.get("kind") != "billing_delivery":
        return None
    try:
        return (
            uuid.UUID(str(reference.get("id"))),
            uuid.UUID(str(payload.get("mail_id"))),
            payload.get("code"),
            payload.get("at"),
        )
    except ValueError:
        raise Unprocessable("a mail event without a delivery or mail id") from None


class EmailDeliveryRpc(BillingCore):
    # ---- The one way a billing document goes by e-mail ----------------------------------------------------

    def deliver_document(self, session, actor, *, kind, document_id, invoice_id, request):
        """Store a delivery of a document (``request``: rules.document_mail's mail; its key and reference
        are the delivery's, filled in here) in ``session``'s transaction; it is handed over after commit
        (at once by the caller, or by the hand_over_emails timer). The delivery."""
        return storage.store(session, actor, kind, document_id, invoice_id, request)

    def _hand_over(self, session, delivery):
        """Give one delivery to the mailing service as its actor (its key makes a second handover of the
        same delivery harmless), recorded in ``session``; False if mailing is away (it stays queued)."""
        self.context.act_as(Actor.from_header(delivery["actor"]), self.context.request_id)
        try:
            mail = self.mailing.queue_mail(delivery["request"])
        except ServiceUnavailable:
            return False
        except PiiriError as exc:  # refused (no SMTP settings, a bad address): not sendable as asked
            log.warning("billing: mailing refused delivery %s: %s", delivery["id"], exc.message)
            storage.fail(session, delivery["id"], exc.message)
            return True
        storage.handed_over(session, delivery["id"], uuid.UUID(mail["id"]))
        return True

    @timer(interval=HANDOVER_INTERVAL)
    def hand_over_emails(self):
        """Hand the stored deliveries to the mailing service (runs', and any a restart left behind); the
        batch stays locked (SKIP LOCKED) until its outcomes are committed together."""
        while True:
            with self.db.transaction() as session:
                batch = storage.claim_handover(session)
                for delivery in batch:
                    if not self._hand_over(session, delivery):
                        return
            if len(batch) < storage.HANDOVER_BATCH:
                return

    # ---- One invoice ----------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def send_invoice_by_email(self, invoice_id):
        """E-mail the invoice with its PDF to the payer's address, in the payer's language: the delivery
        (queued; sent, bounced or failed follow). Refused (Conflict billing.email_<reason>) for a credited
        invoice, a credit note, an erased payer, no or an invalid address, an address that bounced, or a mail
        on its way."""
        actor = self.context.require(PERMISSION)
        key = invoice_storage.parse_id(invoice_id)
        session = self.db.session
        invoice = invoice_storage.get(session, key) if key else None
        session.rollback()
        if invoice is None:
            raise NotFound("billing.invoice_not_found", {"id": str(invoice_id)})
        never = rules.single_refusal(invoice, (), False)
        if never in ("credited", "credit_note"):  # never mailed: no need to ask about bounces
            raise Conflict(f"billing.email_{never}", {"number": invoice["number"]})
        flagged = self._bounced([invoice])
        with self.db.transaction() as session:
            storage.lock_invoice(session, invoice["id"])
            earlier = storage.of_invoices(session, [invoice["id"]]).get(invoice["id"], [])
            reason = rules.single_refusal(
                invoice, [row["status"] for row in earlier], invoice["contact_id"] in flagged
            )
            if reason:
                raise Conflict(f"billing.email_{reason}", {"number": invoice["number"]})
            delivery = self._deliver_invoice(session, actor, invoice)
            self._audit_queued(session, actor, [invoice])
        self.outbox.flush()
        with self.db.transaction() as session:  # at once; if mailing is away, the timer does it later
            self._hand_over(session, delivery)
            delivery = storage.get(session, delivery["id"]) or delivery
        return delivery_view(delivery)

    def _deliver_invoice(self, session, actor, invoice):
        request = rules.invoice_mail(invoice, self.settings)
        return self.deliver_document(
            session,
            actor,
            kind="invoice",
            document_id=invoice["id"],
            invoice_id=invoice["id"],
            request=request,
        )

    def _audit_queued(self, session, actor, invoices):
        self.audit.write(
            self.outbox,
            session,
            actor,
            "invoice.email_queued",
            "contact",
            subjects(invoices),
            PERSONAL_FIELDS,
            {"invoices": len(invoices), "numbers": [row["number"] for row in invoices[:20]]},
        )

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def email_deliveries(self, invoice_id):
        """The invoice's e-mailings, newest first (statuses and times; no address)."""
        self.context.require(PERMISSION)
        key = invoice_storage.parse_id(invoice_id)
        if key is None:
            raise NotFound("billing.invoice_not_found", {"id": str(invoice_id)})
        rows = storage.of_invoices(self.db.session, [key]).get(key, [])
        self.db.session.rollback()
        return {"items": [delivery_view(row) for row in reversed(rows)]}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def email_delivery_invoice(self, delivery_id):
        """{"invoice_id", "document_kind"} of an e-mail delivery (the mail log's link to its invoice, B3;
        ids only, no personal data)."""
        self.context.require(PERMISSION)
        key = invoice_storage.parse_id(delivery_id)
        row = storage.get(self.db.session, key) if key else None
        self.db.session.rollback()
        if row is None or row.get("invoice_id") is None:
            raise NotFound("billing.email_delivery_not_found", {"id": str(delivery_id)})
        return {"invoice_id": str(row["invoice_id"]), "document_kind": row["document_kind"]}

    # ---- A run ----------------------------------------------------------------------------------------

    def _run_decision(self, run_id):
        key = invoice_storage.parse_id(run_id)
        session = self.db.session
        found = storage.run_invoices(session, key) if key else []
        exists = key is not None and (found or self._run_exists(session, key))
        earlier = storage.of_invoices(session, [row["id"] for row in found])
        session.rollback()
        if not exists:
            raise NotFound("billing.run_not_found", {"id": str(run_id)})
        flagged = self._bounced(found)
        send, excluded = [], {}
        for invoice in found:
            statuses = [row["status"] for row in earlier.get(invoice["id"], [])]
            reason = rules.exclusion(invoice, statuses, invoice["contact_id"] in flagged)
            (excluded.setdefault(reason, []) if reason else send).append(invoice)
        return key, send, excluded

    def _run_exists(self, session, key):
        return run_storage.get(session, key) is not None

    def _bounced(self, invoices):
        """The payers whose address bounced (the mailing service's flag, M5): {contact id}."""
        ids = sorted({str(row["contact_id"]) for row in invoices if row.get("contact_id")})
        flagged = set()
        for start in range(0, len(ids), FLAGS_PAGE):
            found = self.mailing.flags_of(ids[start : start + FLAGS_PAGE])
            flagged.update(
                uuid.UUID(key)
                for key, flags in found.items()
                if any(flag["kind"] == "bounced" for flag in flags)
            )
        return flagged

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def email_preview(self, run_id):
        """Who "send by e-mail" of the run mails and who it leaves out, per reason (contract.EmailPreview):
        an audited read (payers' names)."""
        actor = self.context.require(PERMISSION)
        key, send, excluded = self._run_decision(run_id)
        named = send + [row for rows in excluded.values() for row in rows]
        if named:
            self.audit.read(
                actor,
                "invoice.email_previewed",
                "contact",
                subjects(named),
                ("payer_name",),
                {"run_id": str(key)},
            )

        def listed(rows):
            return [
                {"id": str(row["id"]), "number": row["number"], "payer_name": row["payer_name"]}
                for row in rows[:LISTED]
            ]

        return {
            "run_id": str(key),
            "to_send": len(send),
            "invoices": listed(send),
            "excluded": {reason: len(rows) for reason, rows in excluded.items()},
            "excluded_invoices": {reason: listed(rows) for reason, rows in excluded.items()},
        }

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def send_run_by_email(self, run_id):
        """E-mail every invoice of the run that the preview would: {"queued": n, "excluded": {reason: n}}.
        The deliveries are stored at once and handed to the mailing service in the background; running it
        again queues none twice (an invoice already queued or sent is left out as already_sent)."""
        actor = self.context.require(PERMISSION)
        key, send, excluded = self._run_decision(run_id)
        queued, queued_invoices = [], []
        with self.db.transaction() as session:
            storage.lock_invoice(session, key)  # one "send by e-mail" of a run at a time
            again = storage.of_invoices(session, [row["id"] for row in send])  # queued since the decision
            for invoice in send:
                if any(row["status"] in rules.DONE for row in again.get(invoice["id"], [])):
                    excluded.setdefault("already_sent", []).append(invoice)
                    continue
                full = invoice_storage.get(session, invoice["id"])
                queued_invoices.append(invoice)
                queued.append(
                    storage.delivery_row(
                        actor, "invoice", full["id"], full["id"], rules.invoice_mail(full, self.settings)
                    )
                )
            storage.add_many(session, queued)
            if queued:
                self._audit_queued(session, actor, queued_invoices)
        self.outbox.flush()
        return {"queued": len(queued), "excluded": {reason: len(items) for reason, items in excluded.items()}}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def run_email_statuses(self, run_id):
        """Per invoice of the run, its latest e-mailing ({status, at, code} or null), and the counts per
        status: {"items": [{invoice_id, number, email}], "counts"} (numbers and statuses: no names)."""
        self.context.require(PERMISSION)
        key = invoice_storage.parse_id(run_id)
        session = self.db.session
        found = storage.run_invoices(session, key) if key else []
        earlier = storage.of_invoices(session, [row["id"] for row in found])
        session.rollback()
        items, counts = [], {}
        for invoice in found:
            latest = latest_status(earlier.get(invoice["id"], []))
            if latest:
                counts[latest["status"]] = counts.get(latest["status"], 0) + 1
            items.append({"invoice_id": str(invoice["id"]), "number": invoice["number"], "email": latest})
        return {"items": items, "counts": counts}

    # ---- The mailing service's side --------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def mail_document(self, document, document_id):
        """The document a mail attaches, made now ({"file_name", "content_type", "data" (base64)}), for
        the mailing worker acting as whoever queued the mail (audited: the PDF holds the payer's data)."""
        actor = self.context.require(PERMISSION)
        if document == "reminder":
            return self._reminder_document(actor, document_id)
        if document != "invoice":
            raise NotFound("billing.document_unknown", {"document": str(document)})
        key = invoice_storage.parse_id(document_id)
        session = self.db.session
        invoice = invoice_storage.get(session, key) if key else None
        if invoice is None:
            session.rollback()
            raise NotFound("billing.invoice_not_found", {"id": str(document_id)})
        session.rollback()
        self.audit.read(
            actor,
            "invoice.pdf_read",
            "contact",
            subjects([invoice]),
            PERSONAL_FIELDS,
            {"number": invoice["number"], "for": "email"},
        )
        data = making.pdf_of(self.db.session, self.settings, invoice)  # B2: the run's stored PDF, else made
        self.db.session.rollback()
        language = rules.language_of(invoice)
        return {
            "file_name": f"{rules.file_word(language)}-{invoice['number']}.pdf",
            "content_type": "application/pdf",
            "data": base64.b64encode(data).decode("ascii"),
        }

    def _reminder_document(self, actor, reminder_id):
        """B4: the reminder PDF a reminder mail attaches (audited like the reminder page's PDF)."""
        key = invoice_storage.parse_id(reminder_id)
        session = self.db.session
        reminder = reminder_storage.get(session, key) if key else None
        invoice = invoice_storage.get(session, reminder["invoice_id"]) if reminder else None
        session.rollback()
        if reminder is None or invoice is None:
            raise NotFound("billing.reminder_not_found", {"id": str(reminder_id)})
        self.audit.read(
            actor,
            "reminder.pdf_read",
            "contact",
            subjects([invoice]),
            PERSONAL_FIELDS,
            {"number": invoice["number"], "level": reminder["level"], "for": "email"},
        )
        data = reminder_document.render(reminder, invoice, self.settings)
        return {
            "file_name": reminder_views.file_name(reminder, invoice),
            "content_type": "application/pdf",
            "data": base64.b64encode(data).decode("ascii"),
        }

    def _follow(self, payload, status):
        found = delivery_of(payload)
        if found is None:
            return None
        delivery_id, mail_id, code, at = found
        when = datetime.fromisoformat(at) if at else datetime.now(UTC)
        with self.db.transaction() as session:
            return storage.follow(session, delivery_id, mail_id, status, code, when)

    @event_handler("mailing", "mail_sent", requeue_on_error=True)
    def email_on_mail_sent(self, payload):
        return bool(self._follow(payload, "sent"))

    @event_handler("mailing", "mail_bounced", requeue_on_error=True)
    def email_on_mail_bounced(self, payload):
        return bool(self._follow(payload, "bounced"))

    @event_handler("mailing", "mail_failed", requeue_on_error=True)
    def email_on_mail_failed(self, payload):
        return bool(self._follow(payload, "failed"))
