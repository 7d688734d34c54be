"""The core every feature of the billing service builds on, declared in one place: the dependencies (database,
call context, audit trail, outbox, configuration, the checked billing settings, the contacts and mailing
services) and the one shared helper, ``_payer_page`` (the billing service's one way to read contacts).

A feature subclasses BillingCore and uses only what it declares here and its own attributes;
``service.py`` lists the features. tests/unit/test_service_composition.py enforces both.
"""

from typing import Any

from nameko.dependency_providers import Config
from nameko.extensions import DependencyProvider

from piiri.audit import AuditTrail, WorkerAuditTrail
from piiri.context import CallContext, Context
from piiri.db import Database, WorkerDatabase
from piiri.errors import ServiceUnavailable
from piiri.outbox import Outbox, WorkerOutbox
from piiri.rpc import RpcProxy
from services.billing import models
from services.billing.runs.queue import OUTBOX_CHANNELS

PAGE = 500


class Settings(DependencyProvider):
    """``self.settings``: the BillingSettings of the configuration, checked once at start (a bad IBAN or
    scheme stops the service with the setting named)."""

    def setup(self):
        from services.billing.settings import from_config

        self.value = from_config(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.value


class BillingCore:
    """The dependencies of every billing feature. Each worker sees what nameko injects in place of each
    provider: the annotation names that type."""

    db: WorkerDatabase = Database("billing")  # type: ignore[assignment]
    context: CallContext = Context()  # type: ignore[assignment]
    audit: WorkerAuditTrail = AuditTrail("billing")  # type: ignore[assignment]
    outbox: WorkerOutbox = Outbox("billing", models.outbox, channels=OUTBOX_CHANNELS)  # type: ignore[assignment]
    config: dict[str, Any] = Config()  # the service's configuration (a dict)
    settings: Any = Settings()  # services/billing/settings.py BillingSettings
    contacts: Any = RpcProxy("contacts")  # the contacts service's RPCs
    mailing: Any = RpcProxy("mailing")  # B3: mails queued with the mailing service, bounce flags

    def _payer_page(self, selection, cursor=None, limit=PAGE):
        """contacts.payer_page as the calling actor, within RPC_TIMEOUT seconds (shared by single
        invoices, previews and runs); after it, billing's own code for the user's words."""
        try:
            return self.contacts.payer_page(selection, cursor, limit)
        except ServiceUnavailable as error:
            if error.details.get("service") != "contacts":  # not our deadline: contacts' own answer
                raise
            raise ServiceUnavailable(
                "billing.contacts_unavailable", {"seconds": error.details["timeout"]}
            ) from None
