"""Tables of the audit database: the append-only ``audit_events`` log (migrations/ creates exactly this)."""

from sqlalchemy import BigInteger, Column, DateTime, Index, Integer, MetaData, Table, Text, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

metadata = MetaData()

audit_events = Table(
    "audit_events",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=True),  # order of arrival
    Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
    Column("occurred_at", DateTime(timezone=True)),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("service", Text),
    Column("action", Text, nullable=False),
    Column("actor_id", Text),
    Column("actor_username", Text),
    Column("actor_kind", Text),
    Column("request_id", Text),
    Column("subject_type", Text),
    Column("subject_ids", ARRAY(Text), nullable=False, server_default="{}"),
    Column("fields", ARRAY(Text), nullable=False, server_default="{}"),
    Column("details", JSONB, nullable=False, server_default="{}"),
    Column("schema_version", Integer, nullable=False),
    Index("audit_events_subject_ids", "subject_ids", postgresql_using="gin"),
    Index("audit_events_actor", "actor_id", "seq"),
    Index("audit_events_occurred_at", "occurred_at"),
)
