"""E-invoices (B3), a billing feature (BillingCore): send an invoice as a Finvoice message through the
configured operator (BILLING_EINVOICE_URL, client.py), list its sendings, and follow what the operator
did with each (delivered or rejected, with its reason) on demand and every STATUS_INTERVAL seconds.

Sending discloses the payer's data to the operator: the audit record (``invoice.einvoice_sent``) is
confirmed before the message leaves (fail-closed). An invoice already accepted or delivered is not sent
again; after a rejection it may be, to a corrected address. A credited invoice and a credit note are not
sent (409).
"""

from nameko.rpc import rpc
from nameko.timer import timer

from piiri.errors import EXPECTED_ERRORS, NotFound
from services.billing.contract import PERMISSION
from services.billing.core import BillingCore
from services.billing.einvoice import client, following, message, sending, storage
from services.billing.einvoice.views import sending_view
from services.billing.invoices import storage as invoice_storage
from services.billing.invoices.views import subjects

STATUS_INTERVAL = 60  # seconds between looks at the sendings the operator has not settled yet


class EInvoicesRpc(BillingCore):
    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def send_einvoice(self, invoice_id, transmission):
        """Send the invoice as Finvoice to ``transmission`` = {"to_identifier" (the buyer's
        e-invoice address: OVT code or IBAN), "to_intermediator" (their operator)}: the sending, with the
        operator's first answer (accepted, or rejected with its reason). A credited invoice or a credit note
        is refused (Conflict billing.einvoice_credited / billing.einvoice_credit_note)."""
        actor = self.context.require(PERMISSION)
        transmission = message.checked_transmission(transmission, required=True)
        operator = client.OperatorClient.from_config(self.config)  # None: refused in send (not configured)
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
        found = following.defaults(invoice, self._payer_page)
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
        session.rollback()
        if invoice is None:
            raise NotFound("billing.invoice_not_found", {"id": str(invoice_id)})
        following.settle_invoice(self.db, self.config, key)
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
            following.settle(self.db, self.config, waiting)
