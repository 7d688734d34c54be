"""Who a record is about, indexed by 64-bit keys of the subject ids (issue 12 "audit at scale", issue 18).

Revision ID: 0005
Revises: 0004

``audit_events.subject_keys bigint[]``: the keys of the record's ``subject_ids``
(services/audit/subject_keys.py, whose ``key_sql`` this migration uses to fill the keys of the records
stored already). The GIN index moves from the ids' text to their keys (``audit_events_subject_keys``),
and the redaction trigger keeps the keys as unchanged as the ids. A query asks for the key and the id
(``subject_keys.about``).

Filling the keys rewrites every stored record once (about a minute per million on a small machine): run
it in a quiet hour. The append-only trigger is off for that statement only, in this transaction.
"""

from alembic import op

from services.audit.subject_keys import key_sql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

UNCHANGED = (
    "seq, event_id, occurred_at, recorded_at, service, action, actor_id, actor_username, actor_kind,"
    " request_id, subject_type, subject_ids, fields, schema_version, chain_seq, prev_hash, hash"
)
KEYS = f"ARRAY(SELECT {key_sql('subject_id')} FROM unnest(subject_ids) AS subject_id)"


def _redaction_only(columns):
    """The row trigger of 0003 (audit_events_redaction_only), checking ``columns`` unchanged."""

    def row(record):
        return ", ".join(f"{record}.{name}" for name in columns.split(", "))

    return f"""
        CREATE OR REPLACE FUNCTION audit_events_redaction_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF current_setting('piiri.audit_redaction', true) IS DISTINCT FROM 'on' THEN
                RETURN NEW;
            END IF;
            IF OLD.details_digest IS NOT NULL OR NEW.details_digest IS NULL OR NEW.details_salt IS NOT NULL
               OR NOT (NEW.details ? 'redacted')
               OR ROW({row("NEW")}) IS DISTINCT FROM ROW({row("OLD")})
            THEN
                RAISE EXCEPTION 'audit_events: a redaction may only replace the details of a record, once'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NEW;
        END
        $$
        """


def upgrade():
    op.execute("ALTER TABLE audit_events ADD COLUMN subject_keys bigint[] NOT NULL DEFAULT '{}'")
    op.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
    op.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_redaction_only")
    op.execute(f"UPDATE audit_events SET subject_keys = {KEYS} WHERE subject_ids <> '{{}}'")
    op.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_redaction_only")
    op.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")
    op.execute("CREATE INDEX audit_events_subject_keys ON audit_events USING gin (subject_keys)")
    op.execute("DROP INDEX audit_events_subject_ids")
    op.execute(_redaction_only(UNCHANGED + ", subject_keys"))


def downgrade():
    op.execute(_redaction_only(UNCHANGED))
    op.execute("CREATE INDEX audit_events_subject_ids ON audit_events USING gin (subject_ids)")
    op.execute("DROP INDEX audit_events_subject_keys")
    op.execute("ALTER TABLE audit_events DROP COLUMN subject_keys")
