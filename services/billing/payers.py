"""The billing service's one way to read contacts: contacts.payer_page (through the contacts contract's
RPC, as the calling actor, with a deadline), shared by single invoices, previews and runs."""

import eventlet
from nameko.extensions import DependencyProvider

from piiri.errors import ServiceUnavailable

PAGE = 500


class PayerPages:
    """Mixed into BillingService: ``self._payer_page(selection, cursor, limit)``."""

    def _payer_page(self, selection, cursor=None, limit=PAGE):
        seconds = float(self.config.get("RPC_TIMEOUT", 15))
        try:
            with eventlet.Timeout(seconds):
                return self.contacts.payer_page.call_async(selection, cursor, limit).result()
        except eventlet.Timeout:
            raise ServiceUnavailable("billing.contacts_unavailable", {"seconds": seconds}) from None


class Settings(DependencyProvider):
    """``self.settings``: the BillingSettings of the configuration, checked once at start (a bad IBAN or
    scheme stops the service with the setting named)."""

    def setup(self):
        from services.billing.settings import from_config

        self.value = from_config(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.value
