"""The core every feature of the surveys service builds on, declared and typed in one place: the
dependencies (database, call context, audit trail, outbox, configuration, the contacts service, the
LimeSurvey connection) and the helper every feature shares (a linked survey by id).

A feature subclasses SurveysCore and uses only what it declares here and its own attributes;
``service.py`` lists the features. tests/unit/test_service_composition.py enforces both.
"""

from typing import Any

from nameko.dependency_providers import Config

from piiri.audit import AuditTrail, WorkerAuditTrail
from piiri.context import CallContext, Context
from piiri.db import Database, WorkerDatabase
from piiri.errors import NotFound, ValidationFailed
from piiri.outbox import Outbox, WorkerOutbox
from piiri.rpc import RpcProxy
from services.surveys import contract, models
from services.surveys.limesurvey.connection import LimeSurvey
from services.surveys.links import storage as link_storage


class SurveysCore:
    """The dependencies of every surveys feature. Each worker sees what nameko injects in place of each
    provider: the annotation names that type."""

    db: WorkerDatabase = Database("surveys")  # type: ignore[assignment]
    context: CallContext = Context()  # type: ignore[assignment]
    audit: WorkerAuditTrail = AuditTrail("surveys")  # type: ignore[assignment]
    outbox: WorkerOutbox = Outbox("surveys", models.outbox)  # type: ignore[assignment]
    config: dict[str, Any] = Config()  # the service's configuration (a dict)
    # the contacts service's RPCs, with the surveys service's own deadline (SURVEY_RPC_TIMEOUT)
    contacts: Any = RpcProxy("contacts", timeout_key="SURVEY_RPC_TIMEOUT", default=120.0)
    limesurvey: Any = LimeSurvey()  # the LimeSurvey RemoteControl 2 connection (citric)

    def _link(self, link_id, for_update=False):
        """The linked survey ``link_id`` (NotFound ``surveys.link_not_found`` when there is none)."""
        key = link_storage.parse_id(link_id)
        link = link_storage.get_link(self.db.session, key, for_update) if key else None
        if link is None:
            self.db.session.rollback()
            raise NotFound(contract.LINK_NOT_FOUND, {"id": str(link_id)})
        return link


def checked_page(limit, offset):
    """(limit, offset) of a list RPC: whole numbers, 1-1000 rows from 0 on, or a clear error naming them."""
    for name, value, low, high in (("limit", limit, 1, 1000), ("offset", offset, 0, 10**9)):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValidationFailed(contract.LINK_INVALID, {name: ["surveys.number_out_of_range"]})
    return limit, offset
