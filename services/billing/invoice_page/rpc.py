"""The invoice page's one read (B1-B4), a billing feature (BillingCore): ``invoice_page`` returns everything
the invoice page shows (the invoice with its lines, its payments, e-invoice sendings brought up to date
with the operator, reminders with their deliveries, e-mailings, the credit notes that cancel it, where its
e-invoice would go, and whether it may be sent at all) in one RPC and one audit record, where the page
used to make up to six calls (get_invoice, list_payments, einvoice_sendings, invoice_reminders,
einvoice_defaults, email_deliveries), each audited on its own."""

from nameko.rpc import rpc

from piiri.errors import EXPECTED_ERRORS, NotFound
from services.billing.contract import PERMISSION
from services.billing.core import BillingCore
from services.billing.einvoice import following
from services.billing.invoice_page import assembly
from services.billing.invoices import storage as invoice_storage
from services.billing.invoices.views import subjects


class InvoicePageRpc(BillingCore):
    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def invoice_page(self, invoice_id, einvoice_defaults=True):
        """{"invoice" (with its lines), "payments", "sendings", "reminders", "on_hold", "emails",
        "credit_notes", "sending_refused" (why it is not sent by e-mail or e-invoice at all, or null),
        "einvoice_defaults" (when it may be e-invoiced and no sending is live, and
        ``einvoice_defaults``; else null)}. One audited read of everything it shows (``invoice.viewed``
        with the fields of each part)."""
        actor = self.context.require(PERMISSION)
        key = invoice_storage.parse_id(invoice_id)
        session = self.db.session
        invoice = invoice_storage.get(session, key) if key else None
        session.rollback()
        if invoice is None:
            raise NotFound("billing.invoice_not_found", {"id": str(invoice_id)})
        following.settle_invoice(self.db, self.config, key)  # as the sendings' own read (bounded wait)
        page = assembly.read(self.db.session, key)
        self.db.session.rollback()
        defaults = None
        if einvoice_defaults and assembly.may_take_einvoice(page):
            defaults = following.defaults(page["invoice_row"], self._payer_page)
        fields, details = assembly.disclosed(page, defaults)
        self.audit.read(actor, "invoice.viewed", "contact", subjects([page["invoice_row"]]), fields, details)
        return assembly.view(page, defaults)
