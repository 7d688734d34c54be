"""The core every feature of the imports service builds on, declared and typed in one place: the
dependencies (database, call context, audit trail, outbox, configuration, the contacts service).

A feature subclasses ImportsCore and uses only what it declares here and its own attributes;
``service.py`` lists the features. tests/unit/test_service_composition.py enforces both.
"""

from typing import Any

from nameko.dependency_providers import Config

from piiri.audit import AuditTrail, WorkerAuditTrail
from piiri.context import CallContext, Context
from piiri.db import Database, WorkerDatabase
from piiri.outbox import Outbox, WorkerOutbox
from piiri.rpc import RpcProxy
from services.imports import models
from services.imports.limits import Limits


class ImportsCore:
    """The dependencies of every imports feature. Each worker sees what nameko
    injects in place of each provider: the annotation names that type."""

    db: WorkerDatabase = Database("imports")  # type: ignore[assignment]
    context: CallContext = Context()  # type: ignore[assignment]
    audit: WorkerAuditTrail = AuditTrail("imports")  # type: ignore[assignment]
    outbox: WorkerOutbox = Outbox("imports", models.outbox)  # type: ignore[assignment]
    config: dict[str, Any] = Config()  # the service's configuration (a dict)
    contacts: Any = RpcProxy("contacts")  # the contacts service's RPCs

    def _limits(self) -> Limits:
        """The limits of an import file (IMPORT_MAX_* in the configuration, limits.py); the upload and
        the erasure's search of kept uploads both read files within them."""
        return Limits.from_config(self.config)
