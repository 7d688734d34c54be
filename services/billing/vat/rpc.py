"""The dated VAT table (B1) and the service's liveness, a billing feature (BillingCore): ``ping`` reads the
table (GET /health), ``list_vat_rates`` shows it."""

from nameko.rpc import rpc

from piiri.errors import EXPECTED_ERRORS
from services.billing import models
from services.billing.contract import PERMISSION
from services.billing.core import BillingCore
from services.billing.invoices.storage import rates


class VatRatesRpc(BillingCore):
    """The VAT table and ping."""

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
