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

from piiri.errors import EXPECTED_ERRORS, Conflict, NotFound
from services.billing.contract import PERMISSION
from services.billing.core import BillingCore
from services.billing.einvoice import client, message, sending, storage
from services.billing.einvoice.views import sending_view
from services.billing.invoices import storage as invoice_storage
from services.billing.invoices.views import subjects

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
        row = sending.send(
            self.db, self.audit, actor, self.settings, self.config, operator, invoice_id, transmission
        )
        return sending_view(row)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def einvoice_defaults(self, invoice_id):
        """Where the invoice's e-invoice goes unless told otherwise: {"to_identifier", "to_intermediator",
        "source"}: the address and operator it was issued with ("invoice", an e-invoice run's), else
        the payer's e-invoice contact fields now ("contact": read through contacts.payer_page, which
        audits it as contact.read_for_billing), else empty (source null). Audited: the payer's address."""
        actor = self.context.require(PERMISSION)
        key = invoice_storage.parse_id(invoice_id)
        invoice = invoice_storage.get(self.db.session, key) if key else None
        self.db.session.rollback()
        if invoice is None:
            raise NotFound("billing.invoice_not_found", {"id": str(invoice_id)})
        found = {"to_identifier": "", "to_intermediator": "", "source": None}
        if invoice.get("einvoice_address"):
            found = {
                "to_identifier": invoice["einvoice_address"],
                "to_intermediator": invoice.get("einvoice_operator") or "",
                "source": "invoice",
            }
        elif invoice.get("contact_id"):
            rows = self._payer_page({"kind": "ids", "ids": [str(invoice["contact_id"])]})["items"]
            row = rows[0] if rows else {}
            if row.get("einvoice_address") or row.get("einvoice_operator"):
                found = {
                    "to_identifier": row.get("einvoice_address") or "",
                    "to_intermediator": row.get("einvoice_operator") or "",
                    "source": "contact",
                }
        if found["source"]:
            self.audit.read(
                actor,
                "invoice.einvoice_address_read",
                "contact",
                subjects([invoice]),
                ("einvoice_address", "einvoice_operator"),
                {"number": invoice["number"], "source": found["source"]},
            )
        return found

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
