"""Tables of the imports database: import jobs with their progress cursor, the uploaded files (in
chunks), per-row errors, the validated rows in batches, the match keys a running validation has seen,
remembered mappings, and the outbox (migrations/ creates exactly these)."""

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
    String,
    Table,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from piiri.outbox import outbox_table

metadata = MetaData()

STATUSES = (
    "uploading",
    "uploaded",
    "validating",
    "validated",
    "committing",
    "done",
    "failed",
    "cancelled",
    "undone",
    "expired",  # an upload nobody went on with, its file deleted after IMPORT_KEEP_HOURS
)

import_jobs = Table(
    "import_jobs",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("filename", String(300), nullable=False),
    Column("source", String(10), nullable=False, server_default="file"),
    Column("actor", JSONB, nullable=False),  # the importer (piiri.context.Actor as a dict)
    Column("actor_username", String(150), nullable=False),
    Column("status", String(12), nullable=False, server_default="uploading"),
    Column("file_size", Integer, nullable=False, server_default="0"),
    Column("sheet", String(200)),
    Column("sheet_names", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("headers", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("header_signature", String(64)),
    Column("mapping", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("sample_rows", JSONB),  # the first rows, for the preview (sample.py); NULL: read the file
    Column("options", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("total_rows", Integer, nullable=False, server_default="0"),
    Column("validated_rows", Integer, nullable=False, server_default="0"),
    Column("invalid_rows", Integer, nullable=False, server_default="0"),
    Column("committed_rows", Integer, nullable=False, server_default="0"),
    # {created, updated, skipped, unchanged, errors}
    Column("counts", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("error", JSONB),  # why the job failed: {code, message, details}
    # Restart cursor: the next chunk number and the first row number after the last committed chunk.
    Column("phase", String(10)),
    Column("next_chunk", Integer, nullable=False, server_default="1"),
    Column("next_row", Integer),
    Column("worker_id", String(100)),
    Column("heartbeat_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("finished_at", DateTime(timezone=True)),
    Column("expired_at", DateTime(timezone=True)),  # file and rows deleted (IMPORT_KEEP_HOURS)
    Column("erased_at", DateTime(timezone=True)),  # file and rows deleted by a person's erasure (G4)
    CheckConstraint(f"status IN {STATUSES}", name="import_jobs_status"),
    Index("import_jobs_created", "created_at"),
    Index("import_jobs_active", "status", "heartbeat_at", postgresql_where=text("phase IS NOT NULL")),
)

import_files = Table(
    "import_files",
    metadata,
    Column("job_id", UUID(as_uuid=True), ForeignKey("import_jobs.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("data", LargeBinary, nullable=False),
)

import_row_errors = Table(
    "import_row_errors",
    metadata,
    Column("job_id", UUID(as_uuid=True), ForeignKey("import_jobs.id", ondelete="CASCADE"), primary_key=True),
    Column("row_number", Integer, primary_key=True),
    Column("errors", JSONB, nullable=False),  # {header: message}
    Column("cells", JSONB, nullable=False),  # the row as read, for the report
)

# The valid rows of a validated job in the chunks its commit sends ([{row, values}] as JSON bytes).
import_row_batches = Table(
    "import_row_batches",
    metadata,
    Column("job_id", UUID(as_uuid=True), ForeignKey("import_jobs.id", ondelete="CASCADE"), primary_key=True),
    Column("chunk_no", Integer, primary_key=True),
    Column("next_row", Integer, nullable=False),
    Column("row_count", Integer, nullable=False),
    Column("rows", LargeBinary, nullable=False),
    # the highest earlier chunk sharing a match key or a matched contact (0: none; NULL: chunk_no - 1)
    Column("after_chunk", Integer),
)

# The duplicate-match keys (and matched contacts) of the rows a running validation has read (issue 17):
# which earlier row of the file a row repeats, and the last chunk each key was in (pipeline.ChunkOrder).
# Kept here, not in the worker's memory, which grew by ~0.4 GB over a 1,000,000-row file. Each key is a
# 64-bit keyed digest under a salt that exists only in the validating worker's memory, so no one can tell
# from a row whose key it is; the rows go when the validation ends (and when it starts again, the job is
# cleared, expired or erased). UNLOGGED: a validation after a crash starts afresh anyway.
import_seen_keys = Table(
    "import_seen_keys",
    metadata,
    Column("job_id", UUID(as_uuid=True), ForeignKey("import_jobs.id", ondelete="CASCADE"), primary_key=True),
    Column("digest", BigInteger, primary_key=True),
    Column("first_row", Integer, nullable=False),  # the first row with the key (0: a matched contact)
    Column("last_chunk", Integer, nullable=False),
    prefixes=["UNLOGGED"],
)

import_mappings = Table(
    "import_mappings",
    metadata,
    Column("signature", String(64), primary_key=True),
    Column("mapping", JSONB, nullable=False),
    Column("updated_by", String(150), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

outbox = outbox_table(metadata)
