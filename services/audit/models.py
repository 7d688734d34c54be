"""Tables of the audit database: the append-only, hash-chained ``audit_events`` log, the chain's head
and the checkpoints of verified chains (migrations/ creates exactly this)."""

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

metadata = MetaData()

# The records of reads (every read is audited: "contact.viewed", "import.errors_viewed", "contact.counted",
# the audit service's own "audit.*" reads of the log …), as a regular expression on the action; the
# others are changes. What "my recent changes" on the dashboard lists (issue 13 item 2), through the
# partial index audit_events_actor_changes (0004): the same SQL text in the index and the query.
READ_ACTIONS = (
    r"^audit\.|\.([a-z_]*_)?(viewed|listed|counted|searched|exported|downloaded|previewed|compared|used"
    r"|read|report|no_photo|dry_run|disclosed)$"
)
CHANGES_SQL = f"action !~ '{READ_ACTIONS}'"
# Reads of a subject's data (not of the audit log about it): who has seen a person (G2, issue 13 item 5).
DATA_READS_SQL = f"action ~ '{READ_ACTIONS}' AND action !~ '^audit\\.'"

SUBJECT_INDEX = "audit_events_subject_keys"  # GIN: merged outside the head lock (storage.merge_subject_index)

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
    # 0005: the ids' 64-bit keys (subject_keys.py), what the GIN index on who a record is about holds.
    Column("subject_keys", ARRAY(BigInteger), nullable=False, server_default="{}"),
    Column("fields", ARRAY(Text), nullable=False, server_default="{}"),
    Column("details", JSONB, nullable=False, server_default="{}"),
    Column("schema_version", Integer, nullable=False),
    # G4 (0003): the chain hashes sha256(details_salt || details); a redaction keeps that digest here.
    Column("details_salt", Text),
    Column("details_digest", Text),
    # The hash chain (S2): gap-free position in commit order, the previous record's hash and this one's.
    Column("chain_seq", BigInteger, nullable=False, unique=True),
    Column("prev_hash", Text, nullable=False),
    Column("hash", Text, nullable=False, unique=True),
    Index(SUBJECT_INDEX, "subject_keys", postgresql_using="gin"),
    Index("audit_events_actor", "actor_id", "seq"),
    Index("audit_events_occurred_at", "occurred_at"),
    # The organisation-wide search (G2): each filter with the newest-first keyset.
    Index("audit_events_actor_username", "actor_username", "seq"),
    Index("audit_events_action", "action", "seq"),
    Index("audit_events_service", "service", "seq"),
    Index("audit_events_subject_type", "subject_type", "seq"),
    Index("audit_events_request_id", "request_id"),
    Index("audit_events_actor_changes", "actor_id", "seq", postgresql_where=text(CHANGES_SQL)),
)

# One row (id 1): the last appended record. Every append locks it FOR UPDATE, which serialises the
# chain across consumer instances, and moves it on in the same transaction, so it also witnesses how
# long the chain was (a deleted tail shows as head beyond the last record).
audit_chain_head = Table(
    "audit_chain_head",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("last_seq", BigInteger, nullable=False),
    Column("last_hash", Text, nullable=False),
    CheckConstraint("id = 1", name="audit_chain_head_single_row"),
)

# Append-only: one row per intact verification, the chain position and hash it vouched for.
audit_chain_checkpoints = Table(
    "audit_chain_checkpoints",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("verified_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("last_seq", BigInteger, nullable=False),
    Column("last_hash", Text, nullable=False),
    Column("records", BigInteger, nullable=False),
)

# Contacts erased here (G4, 0003): a record about one of them that arrives later is stored redacted.
audit_erased_subjects = Table(
    "audit_erased_subjects",
    metadata,
    Column("subject_id", Text, primary_key=True),
    Column("erasure_id", UUID(as_uuid=True), nullable=False),
    Column("erased_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("records_redacted", BigInteger, nullable=False, server_default="0"),
)
