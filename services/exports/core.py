"""The core every feature of the exports service builds on, declared and typed in one place: the
dependencies (database, call context, audit trail, outbox, configuration, the contacts service).

A feature subclasses ExportsCore and uses only what it declares here and its own attributes;
``service.py`` lists the features. tests/unit/test_service_composition.py enforces both.
"""

from typing import Any

from nameko.dependency_providers import Config

from piiri.audit import AuditTrail, WorkerAuditTrail
from piiri.context import CallContext, Context
from piiri.db import Database, WorkerDatabase
from piiri.outbox import Outbox, WorkerOutbox
from piiri.rpc import RpcProxy
from services.exports import models
from services.exports.queue import OUTBOX_CHANNELS


class ExportsCore:
    """The dependencies of every exports feature. Each worker sees what nameko injects in place of each
    provider: the annotation names that type."""

    db: WorkerDatabase = Database("exports")  # type: ignore[assignment]
    context: CallContext = Context()  # type: ignore[assignment]
    audit: WorkerAuditTrail = AuditTrail("exports")  # type: ignore[assignment]
    outbox: WorkerOutbox = Outbox("exports", models.outbox, channels=OUTBOX_CHANNELS)  # type: ignore[assignment]
    config: dict[str, Any] = Config()  # the service's configuration (a dict)
    contacts: Any = RpcProxy("contacts")  # the contacts service's RPCs
