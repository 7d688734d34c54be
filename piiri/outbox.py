"""Transactional outbox: events and audit records written in the change's own transaction, then relayed.

A relay greenlet per service process claims unsent rows (``FOR UPDATE SKIP LOCKED``, so several
instances never publish the same row at once), publishes each with confirms and marks it sent only
after the broker confirmed it (stack.md trap 11). Consumers are idempotent by ``event_id``.

Published rows are deleted ``OUTBOX_KEEP_SECONDS`` (config, default 300) after their confirmation
(issue 11 item 6): events and audit records carry personal data, and the outbox must not become a second,
unerased copy of it. Unpublished rows are never deleted: erasure does not touch them either, because an
event about an erased person (``contact_erased`` above all) must still reach the other services; their
consumers erase or redact what such events carry, and the row goes minutes after it was published.

A process that answers staff relays at a bounded rate (issue 18: background work does not steal from
users): at most ``OUTBOX_RELAY_BURST`` full batches in a row (config, default 5, i.e. 1,000 rows), then a
pause of ``OUTBOX_RELAY_PAUSE`` seconds (default 0.2) before the next, whatever wakes it; an ordinary
change (a few rows) never meets the bound, a backlog (an import's thousands of events) drains at up to
~5,000 rows a second there. A worker process (a service name ending in ``_worker``: contacts_worker,
import_worker, …) shares its service's outbox table and drains it without that bound, so a backlog goes
through the worker while the service's processes keep answering.

Besides audit records and domain events, a service may relay messages on its own channels
(``Outbox(…, channels={"job": factory})``, e.g. the exports service's job queue), so every message a
change causes leaves through the outbox, in the change's transaction.
"""

import json
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import eventlet
from alembic.operations import Operations
from eventlet.event import Event
from nameko.amqp.publish import Publisher
from nameko.containers import WorkerContext
from nameko.extensions import DependencyProvider
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Engine,
    Index,
    MetaData,
    String,
    Table,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Session

from piiri import signing
from piiri.config import database_url
from piiri.db import make_engine
from piiri.messaging import audit_publisher, context_headers, event_publisher

log = logging.getLogger(__name__)

AUDIT_CHANNEL = "audit"
EVENT_CHANNEL = "event"
DEFAULT_KEEP_SECONDS = 300
DEFAULT_RELAY_BURST = 5  # full batches in a row a process answering staff relays before it pauses
DEFAULT_RELAY_PAUSE = 0.2  # seconds

# A channel's publisher, made from the AMQP URI (``Outbox(..., channels={"job": factory})``).
PublisherFactory = Callable[[str], Publisher]


def outbox_table(metadata: MetaData) -> Table:
    """The outbox table, added to a service's own metadata (and migrations)."""
    return Table(
        "outbox",
        metadata,
        Column("seq", BigInteger, primary_key=True, autoincrement=True),
        Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
        Column("channel", String(16), nullable=False),
        Column("routing_key", String(100), nullable=False),
        Column("payload", JSONB, nullable=False),
        Column("context", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("published_at", DateTime(timezone=True)),
        Index("outbox_unpublished", "seq", postgresql_where=text("published_at IS NULL")),
    )


def create_outbox_v1(op: Operations) -> None:
    """Migration step shared by every service's first migration: the outbox table as above."""
    import sqlalchemy as sa
    from sqlalchemy.dialects import postgresql

    op.create_table(
        "outbox",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("event_id", postgresql.UUID(as_uuid=True), nullable=False, unique=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("routing_key", sa.String(100), nullable=False),
        sa.Column("payload", postgresql.JSONB, nullable=False),
        sa.Column("context", postgresql.JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("published_at", sa.DateTime(timezone=True)),
    )
    op.create_index("outbox_unpublished", "outbox", ["seq"], postgresql_where=sa.text("published_at IS NULL"))


def forget_published(
    session: Session,
    table: Table,
    names: Iterable[object] = (),
    holds: Callable[[Any], bool] | None = None,
) -> int:
    """G4, at an erasure: delete the published rows of a service's outbox (events and audit records, kept
    OUTBOX_KEEP_SECONDS after they were sent) whose payload names one of ``names`` (an id, as text
    anywhere in it) or that ``holds`` says hold the person's values; the erasure does not wait for their
    purge. Unpublished rows stay: they must still be sent. Returns how many were deleted."""
    needles = [str(name) for name in names]
    rows = session.execute(select(table.c.seq, table.c.payload).where(table.c.published_at.is_not(None)))
    gone = [
        row.seq
        for row in rows
        if any(needle in json.dumps(row.payload) for needle in needles) or (holds and holds(row.payload))
    ]
    if gone:
        session.execute(delete(table).where(table.c.seq.in_(gone)))
    return len(gone)


def add_to_outbox(
    session: Session,
    table: Table,
    channel: str,
    routing_key: str,
    payload: dict[str, Any],
    context: Mapping[str, object],
) -> str:
    """Write one message into the outbox inside the caller's transaction."""
    event_id: str = payload.setdefault("event_id", str(uuid.uuid4()))
    session.execute(
        insert(table).values(
            event_id=event_id,
            channel=channel,
            routing_key=routing_key,
            payload=payload,
            context=context,
        )
    )
    return event_id


def copy_to_outbox(
    session: Session,
    table: Table,
    channel: str,
    routing_key: str,
    payloads: Iterable[dict[str, Any]],
    context: Mapping[str, object],
) -> int:
    """Write many messages of one kind into the outbox inside the caller's transaction, by COPY (a bank
    file's thousands of payment events: one statement, not one INSERT each). Returns how many."""
    driver = session.connection().connection.driver_connection
    assert driver is not None  # a live psycopg connection inside the caller's transaction
    cursor = driver.cursor()
    context_text = json.dumps(context)
    written = 0
    with cursor.copy(
        f"COPY {table.name} (event_id, channel, routing_key, payload, context) FROM STDIN"
    ) as copy:
        for payload in payloads:
            event_id = payload.setdefault("event_id", str(uuid.uuid4()))
            copy.write_row((event_id, channel, routing_key, json.dumps(payload), context_text))
            written += 1
    return written


class OutboxRelay:
    """Publishes unsent outbox rows; safe to run in several processes at once."""

    batch_size = 200

    def __init__(
        self,
        engine: Engine,
        table: Table,
        amqp_uri: str,
        service_name: str,
        context_keys: list[str] | None = None,
        channels: Mapping[str, PublisherFactory] | None = None,
    ) -> None:
        self.engine = engine
        self.context_keys = context_keys or signing.context_keys()
        self.table = table
        self.publishers: dict[str, Publisher] = {
            AUDIT_CHANNEL: audit_publisher(amqp_uri),
            EVENT_CHANNEL: event_publisher(amqp_uri, service_name),
            **{name: factory(amqp_uri) for name, factory in (channels or {}).items()},
        }

    def delete_published(self, keep_seconds: float) -> int:
        """Delete the rows confirmed more than ``keep_seconds`` ago; returns how many."""
        table = self.table
        with self.engine.begin() as conn:
            result = conn.execute(
                delete(table).where(
                    table.c.published_at.is_not(None),
                    table.c.published_at
                    < func.now() - func.make_interval(0, 0, 0, 0, 0, 0, float(keep_seconds)),
                )
            )
        return result.rowcount

    def relay_once(self) -> int:
        """Publish one batch; returns how many rows were sent."""
        table = self.table
        with self.engine.begin() as conn:
            rows = conn.execute(
                select(table)
                .where(table.c.published_at.is_(None))
                .order_by(table.c.seq)
                .limit(self.batch_size)
                .with_for_update(skip_locked=True)
            ).all()
            sent: list[int] = []
            for row in rows:
                try:
                    self.publishers[row.channel].publish(
                        row.payload,
                        routing_key=row.routing_key,
                        extra_headers=context_headers(row.context, self.context_keys),
                    )
                except Exception:
                    log.warning("outbox: could not publish %s, will retry", row.event_id, exc_info=True)
                    break
                sent.append(row.seq)
            if sent:
                conn.execute(update(table).where(table.c.seq.in_(sent)).values(published_at=func.now()))
        return len(sent)


class Outbox(DependencyProvider):
    """``outbox = Outbox("contacts", models.outbox)``: write with ``.event()``, relayed in the background."""

    idle_interval = 1.0

    def __init__(
        self, service_name: str, table: Table, channels: Mapping[str, PublisherFactory] | None = None
    ) -> None:
        self.service_name = service_name
        self.table = table
        self.channels = channels or {}
        self.keep_seconds: float = DEFAULT_KEEP_SECONDS
        self._next_purge = 0.0
        self.relay: OutboxRelay | None = None
        self.engine: Engine | None = None
        self._wakeup = Event()
        self._running = False
        self.burst = 0  # full batches in a row before a pause; 0: no bound (a worker process)
        self.pause = DEFAULT_RELAY_PAUSE

    def setup(self) -> None:
        config = self.container.config
        self.engine = make_engine(database_url(config, self.service_name), pool_size=2)
        self.relay = OutboxRelay(
            self.engine,
            self.table,
            config["AMQP_URI"],
            self.service_name,
            signing.context_keys(config),
            self.channels,
        )
        self.keep_seconds = float(config.get("OUTBOX_KEEP_SECONDS", DEFAULT_KEEP_SECONDS))
        self.burst, self.pause = relay_bound(self.container.service_name, config)

    def start(self) -> None:
        self._running = True
        self.container.spawn_managed_thread(self._relay_loop, identifier="outbox_relay")

    def stop(self) -> None:
        self._running = False
        self.wake()
        if self.engine is not None:
            self.engine.dispose()

    def kill(self) -> None:
        self.stop()

    def wake(self) -> None:
        if not self._wakeup.ready():
            self._wakeup.send(True)

    def _set_up_relay(self) -> OutboxRelay:
        if self.relay is None:
            raise RuntimeError("the outbox relays only after its setup")
        return self.relay

    def _relay_loop(self) -> None:
        while self._running:
            bounded = False
            try:
                bounded = self.relay_round()
            except Exception:
                log.exception("outbox relay failed; retrying")
            self._purge_now_and_then()
            if bounded:  # a backlog: pause whatever wakes the relay (a worker's relay may take the rest)
                eventlet.sleep(self.pause)
                continue
            with eventlet.Timeout(self.idle_interval, False):
                self._wakeup.wait()
            self._wakeup = Event()

    def relay_round(self) -> bool:
        """Publish full batches until a short one, or until ``burst`` of them (when bounded); whether the
        bound stopped it (rows may be left for the next round)."""
        relay, batches = self._set_up_relay(), 0
        while self._running and relay.relay_once() == relay.batch_size:
            batches += 1
            if self.burst and batches >= self.burst:
                return True
        return False

    def _purge_now_and_then(self) -> None:
        """Delete published rows past their grace period, at most every few seconds."""
        now = time.monotonic()
        if now < self._next_purge:
            return
        self._next_purge = now + min(max(self.keep_seconds / 4, 1.0), 60.0)
        try:
            self._set_up_relay().delete_published(self.keep_seconds)
        except Exception:
            log.exception("outbox: could not delete published rows; trying later")

    def get_dependency(self, worker_ctx: WorkerContext) -> "WorkerOutbox":
        return WorkerOutbox(self, worker_ctx)


def relay_bound(service_name: str, config: Mapping[str, Any]) -> tuple[int, float]:
    """(burst, pause) of a process's relay: none (0) in a worker process (``*_worker``), else
    OUTBOX_RELAY_BURST full batches then OUTBOX_RELAY_PAUSE seconds (see the module's docstring)."""
    raw_burst = config.get("OUTBOX_RELAY_BURST", DEFAULT_RELAY_BURST)
    raw_pause = config.get("OUTBOX_RELAY_PAUSE", DEFAULT_RELAY_PAUSE)
    try:
        burst, pause = int(str(raw_burst)), float(raw_pause)
    except (TypeError, ValueError):
        raise ValueError(
            "OUTBOX_RELAY_BURST must be a whole number of batches and OUTBOX_RELAY_PAUSE a number of "
            f"seconds, not {raw_burst!r} and {raw_pause!r}"
        ) from None
    if service_name.endswith("_worker"):
        burst = 0
    if burst < 0 or pause < 0:
        raise ValueError("OUTBOX_RELAY_BURST and OUTBOX_RELAY_PAUSE may not be negative")
    return burst, pause


class WorkerOutbox:
    def __init__(self, provider: Outbox, worker_ctx: WorkerContext) -> None:
        self.provider = provider
        self.worker_ctx = worker_ctx

    def event(self, session: Session, event_type: str, payload: Mapping[str, Any], version: int = 1) -> str:
        """Record a domain event (``contact_created`` …) in the caller's transaction."""
        payload = {"schema_version": version, **payload}
        return add_to_outbox(
            session,
            self.provider.table,
            EVENT_CHANNEL,
            event_type,
            payload,
            dict(self.worker_ctx.data),
        )

    def event_row(
        self, event_type: str, payload: Mapping[str, Any], version: int = 1
    ) -> tuple[str, str, str, dict[str, Any], dict[str, Any]]:
        """The outbox row of a domain event, (event id, channel, routing key, payload, context), for a
        caller that writes it with a statement of its own (the mailing worker's sent state and its event
        in one statement)."""
        full = {"schema_version": version, **payload}
        event_id: str = full.setdefault("event_id", str(uuid.uuid4()))
        return event_id, EVENT_CHANNEL, event_type, full, dict(self.worker_ctx.data)

    def events(
        self, session: Session, event_type: str, payloads: Iterable[Mapping[str, Any]], version: int = 1
    ) -> int:
        """Record many domain events of one type in the caller's transaction (COPY); how many."""
        return copy_to_outbox(
            session,
            self.provider.table,
            EVENT_CHANNEL,
            event_type,
            ({"schema_version": version, **payload} for payload in payloads),
            dict(self.worker_ctx.data),
        )

    def audit(self, session: Session, record: dict[str, Any]) -> str:
        return add_to_outbox(
            session,
            self.provider.table,
            AUDIT_CHANNEL,
            record["action"],
            record,
            dict(self.worker_ctx.data),
        )

    def message(self, session: Session, channel: str, routing_key: str, payload: Mapping[str, Any]) -> str:
        """Record a message for one of the service's own channels (``channels=`` of Outbox)."""
        if channel not in self.provider.channels:
            raise ValueError(f"the outbox of {self.provider.service_name} has no channel {channel!r}")
        return add_to_outbox(
            session, self.provider.table, channel, routing_key, dict(payload), dict(self.worker_ctx.data)
        )

    def flush(self) -> None:
        """Ask the relay to publish now (call after commit)."""
        self.provider.wake()
