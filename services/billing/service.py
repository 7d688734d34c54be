"""Nameko entrypoints of the billing service (B1-B4): fee types, single invoices and credit notes, invoice
runs (run by BillingWorker, worker.py), invoice PDFs and Finvoice XML, bank files and payment matching,
and its part of the access report and erasure. Every RPC needs invoices.manage (personal_data:
gdpr.officer); the features are the mixins below, each in its folder."""

from nameko.dependency_providers import Config
from nameko.rpc import RpcProxy, rpc

from piiri.audit import AuditTrail
from piiri.context import Context
from piiri.db import Database
from piiri.errors import EXPECTED_ERRORS
from piiri.outbox import Outbox
from services.billing import models
from services.billing.bank_files.rpc import BankFilesRpc
from services.billing.contract import PERMISSION
from services.billing.erasure import BillingErasure
from services.billing.fee_types.rpc import FeeTypesRpc
from services.billing.invoices.rpc import InvoicesRpc
from services.billing.invoices.storage import rates
from services.billing.payers import PayerPages, Settings
from services.billing.runs.queue import OUTBOX_CHANNELS
from services.billing.runs.rpc import RunsRpc


class BillingService(FeeTypesRpc, InvoicesRpc, RunsRpc, BankFilesRpc, BillingErasure, PayerPages):
    name = "billing"

    db = Database("billing")
    context = Context()
    audit = AuditTrail("billing")
    outbox = Outbox("billing", models.outbox, channels=OUTBOX_CHANNELS)
    config = Config()
    settings = Settings()
    contacts = RpcProxy("contacts")

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def ping(self):
        self.db.session.execute(models.vat_rates.select().limit(1))
        self.db.session.rollback()
        return "pong"

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_vat_rates(self):
        """The dated VAT table: [{"vat_class", "rate", "valid_from"}], oldest first per class."""
        self.context.require(PERMISSION)
        found = sorted(rates(self.db.session), key=lambda row: (row[0], row[2]))
        self.db.session.rollback()
        return {
            "items": [
                {"vat_class": name, "rate": str(rate), "valid_from": day.isoformat()}
                for name, rate, day in found
            ]
        }
