"""Tables of the exports database: export jobs, their files stored as ordered bytea chunks, and the
contacts each file holds (migrations/ creates exactly this)."""

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from piiri.outbox import outbox_table

metadata = MetaData()

STATUSES = ("queued", "running", "done", "failed", "expired")

export_jobs = Table(
    "export_jobs",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("actor_id", Text, nullable=False),
    Column("actor_username", Text, nullable=False),
    # The whole actor (piiri.context.Actor header): the worker pages the contacts as this actor (C6 scope).
    Column("actor", JSONB, nullable=False),
    Column("format", Text, nullable=False),
    Column("selection", JSONB, nullable=False),
    Column("options", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("columns", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("language", Text, nullable=False, server_default="fi"),
    Column("status", Text, nullable=False, server_default="queued"),
    Column("rows_done", Integer, nullable=False, server_default="0"),
    Column("rows_total", Integer),
    Column("rows_written", Integer),
    Column("error", Text),
    Column("file_name", Text),
    Column("content_type", Text),
    Column("size", BigInteger),
    Column("chunk_count", Integer, nullable=False, server_default="0"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    # What the format left out beside the rows written ({"skipped_no_address": 3, ...}).
    Column("notes", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("expired_at", DateTime(timezone=True)),  # the file was deleted (EXPORT_KEEP_HOURS)
    Column("erased_at", DateTime(timezone=True)),  # the file was deleted: a person in it was erased (G4)
    Column("heartbeat_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("started_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    CheckConstraint(f"status IN {STATUSES}", name="export_jobs_status"),
    Index("export_jobs_actor", "actor_id", "created_at"),
    Index("export_jobs_running", "status", "heartbeat_at"),
    Index("export_jobs_finished", "finished_at", postgresql_where=text("status = 'done'")),
)

# The finished file, in order; written by the worker after the format has written it to a temporary file.
export_file_chunks = Table(
    "export_file_chunks",
    metadata,
    Column("job_id", UUID(as_uuid=True), ForeignKey("export_jobs.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("data", LargeBinary, nullable=False),
)

# The contacts in a finished file, and the couples whose address name it holds (0003): the access report
# lists a person's exports, erasure deletes them (a couple's id comes in the request's related_ids).
export_job_contacts = Table(
    "export_job_contacts",
    metadata,
    Column("contact_id", UUID(as_uuid=True), primary_key=True),
    Column("job_id", UUID(as_uuid=True), ForeignKey("export_jobs.id", ondelete="CASCADE"), primary_key=True),
    Index("export_job_contacts_job", "job_id"),
)

# Issue 11 item 6: a job's queued message leaves through the outbox, in the job's own transaction.
outbox = outbox_table(metadata)
