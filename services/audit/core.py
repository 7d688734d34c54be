"""The core every feature of the audit service builds on, declared and typed in one place: the
dependencies (database, call context).

A feature subclasses AuditCore and uses only what it declares here and its own attributes;
``service.py`` lists the features. tests/unit/test_service_composition.py enforces both.
"""

from typing import Any

from nameko.dependency_providers import Config

from piiri.context import CallContext, Context
from piiri.db import Database, WorkerDatabase

SERVICE = "audit"  # the service's name, which its own records (of reads of the log) carry


class AuditCore:
    """The dependencies of every audit feature. Each worker sees what nameko injects in place of each
    provider: the annotation names that type."""

    # No pre-ping (issue 18): the consumer retries a batch whose connection died, and a read of the log
    # that meets a dead connection fails once and is asked again.
    db: WorkerDatabase = Database("audit", pre_ping=False)  # type: ignore[assignment]
    context: CallContext = Context()  # type: ignore[assignment]
    config: dict[str, Any] = Config()  # the service's configuration (a dict): AMQP_URI, AUDIT_MERGE_EVERY
