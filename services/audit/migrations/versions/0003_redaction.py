"""Redaction of personal data in the audit log after an erasure (G4), compatible with the chain (S2).

Revision ID: 0003
Revises: 0002

- ``audit_events.details_salt``: random text per record (set by the service from now on; NULL for
  older records); the chain hashes ``details_digest = sha256(salt || canonical details)`` instead of the
  details themselves (services/audit/chain.py).
- ``audit_events.details_digest``: NULL while the details are stored; a redaction keeps the digest here,
  replaces the details by ``{"redacted": [keys], …non-personal keys}`` and drops the salt, so the chain
  still verifies and the removed values cannot be guessed back from the digest.
- The append-only trigger stays (same name); an UPDATE is now allowed only inside a transaction that
  set ``piiri.audit_redaction = on`` (services/audit/redaction.py), and then a row-level trigger lets it
  change nothing but ``details``, ``details_salt`` and ``details_digest``, once, to a redacted form.
- ``audit_erased_subjects``: contacts erased here, so a record about one that arrives later is stored
  already redacted.
- Records chained by 0002 before the chain hashed a digest of the details are chained again in the
  new form (same order, same content), and checkpoints of the old form are dropped: 0002 and 0003
  ship together, so this only touches databases migrated while they were being written.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from services.audit.chain import GENESIS, row_hash

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

UNCHANGED = (
    "seq, event_id, occurred_at, recorded_at, service, action, actor_id, actor_username, actor_kind,"
    " request_id, subject_type, subject_ids, fields, schema_version, chain_seq, prev_hash, hash"
)


def _columns(record):
    return ", ".join(f"{record}.{name}" for name in UNCHANGED.split(", "))


def rechain(connection, batch=5000):
    """Chain every record again in the current form (chain.py), oldest first; True if any changed."""
    last_hash, after, changed = GENESIS, 0, False
    while True:
        rows = connection.execute(
            sa.text("SELECT * FROM audit_events WHERE chain_seq > :after ORDER BY chain_seq LIMIT :batch"),
            {"after": after, "batch": batch},
        ).all()
        if not rows:
            break
        updates = []
        for row in rows:
            data = {**row._mapping, "prev_hash": last_hash}
            new_hash = row_hash(data)
            if new_hash != row.hash or last_hash != row.prev_hash:
                updates.append({"seq": row.seq, "prev": last_hash, "hash": new_hash})
            last_hash, after = new_hash, row.chain_seq
        if updates:
            changed = True
            connection.execute(
                sa.text("UPDATE audit_events SET prev_hash = :prev, hash = 'x' || seq WHERE seq = :seq"),
                updates,
            )
            connection.execute(sa.text("UPDATE audit_events SET hash = :hash WHERE seq = :seq"), updates)
    if changed:
        connection.execute(
            sa.text("UPDATE audit_chain_head SET last_hash = :hash WHERE id = 1"), {"hash": last_hash}
        )
    return changed


def upgrade():
    op.add_column("audit_events", sa.Column("details_salt", sa.Text))
    op.add_column("audit_events", sa.Column("details_digest", sa.Text))
    op.create_table(
        "audit_erased_subjects",
        sa.Column("subject_id", sa.Text, primary_key=True),
        sa.Column("erasure_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("records_redacted", sa.BigInteger, nullable=False, server_default="0"),
    )
    op.execute(
        """
        CREATE FUNCTION audit_events_append_only_unless_redacting() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' AND current_setting('piiri.audit_redaction', true) = 'on' THEN
                RETURN NULL;
            END IF;
            RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
        $$
        """
    )
    op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
    if rechain(op.get_bind()):
        op.execute("ALTER TABLE audit_chain_checkpoints DISABLE TRIGGER audit_chain_checkpoints_append_only")
        op.execute("DELETE FROM audit_chain_checkpoints")
        op.execute("ALTER TABLE audit_chain_checkpoints ENABLE TRIGGER audit_chain_checkpoints_append_only")
    op.execute(
        """
        CREATE TRIGGER audit_events_append_only
        BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only_unless_redacting()
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION audit_events_redaction_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF current_setting('piiri.audit_redaction', true) IS DISTINCT FROM 'on' THEN
                RETURN NEW;
            END IF;
            IF OLD.details_digest IS NOT NULL OR NEW.details_digest IS NULL OR NEW.details_salt IS NOT NULL
               OR NOT (NEW.details ? 'redacted')
               OR ROW({_columns("NEW")}) IS DISTINCT FROM ROW({_columns("OLD")})
            THEN
                RAISE EXCEPTION 'audit_events: a redaction may only replace the details of a record, once'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NEW;
        END
        $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER audit_events_redaction_only
        BEFORE UPDATE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_redaction_only()
        """
    )


def downgrade():
    op.execute("DROP TRIGGER audit_events_redaction_only ON audit_events")
    op.execute("DROP FUNCTION audit_events_redaction_only()")
    op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
    op.execute(
        """
        CREATE TRIGGER audit_events_append_only
        BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()
        """
    )
    op.execute("DROP FUNCTION audit_events_append_only_unless_redacting()")
    op.drop_table("audit_erased_subjects")
    op.drop_column("audit_events", "details_digest")
    op.drop_column("audit_events", "details_salt")
