"""E-invoices (B3), a billing feature (BillingCore): send an invoice as a Finvoice message through the
configured operator (BILLING_EINVOICE_URL, client.py), list its sendings, and follow what the operator
did with each (delivered or rejected, with its reason) on demand and every STATUS_INTERVAL seconds.

Sending discloses the payer's data to the operator: the audit record (``invoice.einvoice_sent``) is
confirmed before the message leaves (fail-closed). An invoice already accepted or delivered is not sent
again; after a rejection it may be, to a corrected address.
"""

import logging

from nameko.rpc import rpc
from nameko.timer import timer

from piiri.errors import EXPECTED_ERRORS, Conflict, NotFound, ServiceUnavailable
from services.billing.contract import PERMISSION
from services.billing.core import BillingCore
from services.billing.einvoice import client, message, storage
from services.billing.einvoice.views import sending_view
from services.billing.invoices import storage as invoice_storage
from services.billing.invoices.views import PERSONAL_FIELDS, subjects

log = logging.getLogger(__name__)

STATUS_INTERVAL = 60  # seconds between looks at the sendings the operator has not settled yet
# A look on demand (a page view) waits at most this long for the operator's answer (an invoice has one
# pending sending at most): an operator slow or away must not hold the invoice page; the timer goes on.
ON_DEMAND_TIMEOUT = 3.0


class EInvoicesRpc(BillingCore):
    def _operator(self):
        operator = client.OperatorClient.from_config(self.config)
        if operator is None:
            raise Conflict("billing.einvoice_not_configured")
        return operator

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def send_einvoice(self, invoice_id, transmission):
        """Send the invoice (or credit note) as Finvoice to ``transmission`` = {"to_identifier" (the buyer's
        e-invoice address: OVT code or IBAN), "to_intermediator" (their operator)}: the sending, with the
        operator's first answer (accepted, or rejected with its reason)."""
        actor = self.context.require(PERMISSION)
        transmission = message.checked_transmission(transmission, required=True)
        operator = self._operator()
        key = invoice_storage.parse_id(invoice_id)
        # One transaction holds the invoice's sending lock from the check to the record, so two sends of
        # one invoice at once cannot both pass "already sent" and deliver it twice.
        with self.db.transaction() as session:
            invoice = invoice_storage.get(session, key) if key else None
            if invoice is None:
                raise NotFound("billing.invoice_not_found", {"id": str(invoice_id)})
            storage.lock_sending(session, invoice["id"])
            if any(row["status"] != "rejected" for row in storage.of_invoice(session, invoice["id"])):
                raise Conflict("billing.einvoice_already_sent", params={"number": invoice["number"]})
            lines = invoice_storage.lines_of(session, invoice["id"])
            document = message.build(invoice, lines, self.settings, self.config, transmission)
            self.audit.read(  # a disclosure to the operator: on record before the data leaves
                actor,
                "invoice.einvoice_sent",
                "contact",
                subjects([invoice]),
                PERSONAL_FIELDS,
                {"number": invoice["number"], "operator": transmission["to_intermediator"]},
            )
            try:
                answer = operator.send(document)
                outcome = {"message_id": answer["id"], "status": "accepted", "reason": None}
            except client.Refused as refused:
                outcome = {"message_id": None, "status": "rejected", "reason": refused.reason}
            except client.Unavailable as exc:
                log.warning(
                    "billing: the e-invoice operator did not take invoice %s: %s", invoice["number"], exc
                )
                raise ServiceUnavailable("billing.einvoice_operator_unavailable") from None
            row = storage.record(
                session,
                {"invoice_id": invoice["id"], **transmission, **outcome, "actor_username": actor.username},
            )
        return sending_view(row)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def einvoice_sendings(self, invoice_id):
        """The invoice's sendings, newest first, each brought up to date with the operator first (an
        audited read: they hold the payer's e-invoice address)."""
        actor = self.context.require(PERMISSION)
        key = invoice_storage.parse_id(invoice_id)
        session = self.db.session
        invoice = invoice_storage.get(session, key) if key else None
        if invoice is None:
            session.rollback()
            raise NotFound("billing.invoice_not_found", {"id": str(invoice_id)})
        waiting = storage.pending(session, key, limit=1)
        session.rollback()
        if waiting:
            self._settle(waiting, timeout=ON_DEMAND_TIMEOUT)
        rows = storage.of_invoice(self.db.session, key)
        self.db.session.rollback()
        self.audit.read(
            actor,
            "invoice.einvoices_viewed",
            "contact",
            subjects([invoice]),
            ("to_identifier",),
            {"number": invoice["number"], "sendings": len(rows)},
        )
        return {"items": [sending_view(row) for row in rows]}

    @timer(interval=STATUS_INTERVAL)
    def follow_einvoices(self):
        """What the operator did with the sendings it took (delivered, or rejected with its reason)."""
        if client.OperatorClient.from_config(self.config) is None:
            return
        waiting = storage.pending(self.db.session)
        self.db.session.rollback()
        if waiting:
            self._settle(waiting)

    def _settle(self, waiting, timeout=None):
        operator = client.OperatorClient.from_config(self.config)
        if operator is None:
            return
        if timeout is not None:
            operator.timeout = min(operator.timeout, timeout)
        for row in waiting:
            try:
                answer = operator.status(row["message_id"])
            except client.Unavailable as exc:
                log.warning("billing: no e-invoice status from the operator now: %s", exc)
                return
            if answer["status"] != "accepted":
                with self.db.transaction() as session:
                    storage.set_outcome(session, row["id"], answer["status"], answer.get("reason"))
