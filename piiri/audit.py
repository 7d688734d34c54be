"""The one audit publisher: every read, change, import and export of personal data becomes an audit record.

Reads publish at once and fail if the broker does not confirm delivery to the audit queue
(no unaudited reads); the confirms are pipelined on one channel per service process, so concurrent
reads share their round trips (piiri/confirms.py, issue 18). Changes go through the outbox, in the
change's own transaction.
Record schema (version 1) is documented in docs/events.md.
"""

import logging
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from nameko.containers import WorkerContext
from nameko.extensions import DependencyProvider
from sqlalchemy.orm import Session

from piiri import signing
from piiri.confirms import ConfirmingPublisher
from piiri.context import Actor
from piiri.errors import AuditUnavailable
from piiri.messaging import AUDIT_EXCHANGE, AUDIT_QUEUE, context_headers
from piiri.outbox import WorkerOutbox

log = logging.getLogger(__name__)

AUDIT_SCHEMA_VERSION = 1


def audit_record(
    service: str,
    action: str,
    actor: Actor,
    request_id: str,
    subject_type: str,
    subject_ids: Iterable[object],
    fields: Iterable[str] = (),
    details: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One audit record: who (actor) did what (action) to whom (subject ids), when and how."""
    return {
        "event_id": str(uuid.uuid4()),
        "schema_version": AUDIT_SCHEMA_VERSION,
        "occurred_at": datetime.now(UTC).isoformat(),
        "service": service,
        "action": action,
        "actor": actor.summary(),
        "request_id": request_id,
        "subject_type": subject_type,
        "subject_ids": [str(subject_id) for subject_id in subject_ids],
        "fields": sorted(fields),
        "details": details or {},
    }


class AuditTrail(DependencyProvider):
    """``audit = AuditTrail("contacts")``; in a worker: ``self.audit.read(...)`` / ``.write(...)``."""

    def __init__(self, service_name: str) -> None:
        self.service_name = service_name
        self.publisher: ConfirmingPublisher | None = None

    def setup(self) -> None:
        self.publisher = ConfirmingPublisher(
            self.container.config["AMQP_URI"], AUDIT_EXCHANGE, declare=(AUDIT_QUEUE,)
        )
        self.context_keys = signing.context_keys(self.container.config)

    def stop(self) -> None:
        if self.publisher is not None:
            self.publisher.close()

    def kill(self) -> None:
        self.stop()

    def ready_publisher(self) -> ConfirmingPublisher:
        """The publisher made by ``setup`` (a read before it is refused, as any failed publish)."""
        if self.publisher is None:
            raise RuntimeError("the audit trail is not set up")
        return self.publisher

    def get_dependency(self, worker_ctx: WorkerContext) -> "WorkerAuditTrail":
        return WorkerAuditTrail(self, worker_ctx)


class WorkerAuditTrail:
    def __init__(self, provider: AuditTrail, worker_ctx: WorkerContext) -> None:
        self.provider = provider
        self.worker_ctx = worker_ctx

    def record(
        self,
        actor: Actor,
        action: str,
        subject_type: str,
        subject_ids: Iterable[object],
        fields: Iterable[str] = (),
        details: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        return audit_record(
            self.provider.service_name,
            action,
            actor,
            self.worker_ctx.data.get("request_id") or self.worker_ctx.call_id,
            subject_type,
            subject_ids,
            fields,
            details,
        )

    def read(
        self,
        actor: Actor,
        action: str,
        subject_type: str,
        subject_ids: Iterable[object],
        fields: Iterable[str] = (),
        details: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Publish the audit record of a read now; raise AuditUnavailable if not confirmed."""
        record = self.record(actor, action, subject_type, subject_ids, fields, details)
        try:
            self.provider.ready_publisher().publish(
                record,
                routing_key=action,
                headers=context_headers(dict(self.worker_ctx.data), self.provider.context_keys),
                message_id=record["event_id"],
            )
        except Exception as exc:
            log.error("audit record %s not delivered: %r", record["event_id"], exc)
            raise AuditUnavailable(
                "The audit log cannot record this read right now, so it was refused. Try again."
            ) from None
        return record

    def change(
        self,
        actor: Actor,
        action: str,
        subject_type: str,
        subject_ids: Iterable[object],
        fields: Iterable[str] = (),
        details: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """For a change in a database without an outbox (the gateway's accounts): publish the record now,
        before the caller commits; AuditUnavailable if not confirmed, so the change is not made."""
        return self.read(actor, action, subject_type, subject_ids, fields, details)

    def write(
        self,
        outbox: WorkerOutbox,
        session: Session,
        actor: Actor,
        action: str,
        subject_type: str,
        subject_ids: Iterable[object],
        fields: Iterable[str] = (),
        details: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Record the audit of a change through the outbox, in ``session``'s transaction."""
        record = self.record(actor, action, subject_type, subject_ids, fields, details)
        outbox.audit(session, record)
        return record
