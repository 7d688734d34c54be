"""The billing service (B1-B4): its features, listed once (FEATURES): fee types, single invoices and
credit notes, the invoice page's one read, invoice runs (run by BillingWorker, worker.py), invoice PDFs
and Finvoice XML, e-invoices sent through an operator, invoices sent by e-mail through the mailing
service, bank files and payment matching, reminders (their e-invoices tried again) and the collection
list, the VAT table, the federation split (settlement parties and the settlement report), deleting
records past the Accounting Act's retention time, and its part of the access report and erasure. Every
RPC needs invoices.manage (personal_data: gdpr.officer).

Every feature class subclasses BillingCore (core.py: the dependencies and the shared helper) and uses
nothing else of the service; BillingService is exactly the features in FEATURES, so its nameko
entrypoints are theirs. tests/unit/test_service_composition.py enforces both.
"""

from services.billing.bank_files.rpc import BankFilesRpc
from services.billing.einvoice.rpc import EInvoicesRpc
from services.billing.email_delivery.rpc import EmailDeliveryRpc
from services.billing.erasure import BillingErasure
from services.billing.fee_types.rpc import FeeTypesRpc
from services.billing.invoice_page.rpc import InvoicePageRpc
from services.billing.invoices.rpc import InvoicesRpc
from services.billing.reminders.retry_rpc import ReminderRetriesRpc
from services.billing.reminders.rpc import RemindersRpc
from services.billing.retention.rpc import RetentionRpc
from services.billing.runs.rpc import RunsRpc
from services.billing.settlement.rpc import SettlementRpc
from services.billing.vat.rpc import VatRatesRpc

FEATURES = (
    VatRatesRpc,
    FeeTypesRpc,
    InvoicesRpc,
    InvoicePageRpc,
    EInvoicesRpc,
    RunsRpc,
    BankFilesRpc,
    RemindersRpc,
    ReminderRetriesRpc,
    SettlementRpc,
    EmailDeliveryRpc,
    RetentionRpc,
    BillingErasure,
)


class BillingService(*FEATURES):  # type: ignore[misc]
    name = "billing"
