"""The audit log: ``audit_events``, its indexes, and the trigger that makes it append-only (S2).

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "audit_events",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("event_id", postgresql.UUID(as_uuid=True), nullable=False, unique=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True)),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("service", sa.Text),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("actor_id", sa.Text),
        sa.Column("actor_username", sa.Text),
        sa.Column("actor_kind", sa.Text),
        sa.Column("request_id", sa.Text),
        sa.Column("subject_type", sa.Text),
        sa.Column("subject_ids", postgresql.ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("fields", postgresql.ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("details", postgresql.JSONB, nullable=False, server_default="{}"),
        sa.Column("schema_version", sa.Integer, nullable=False),
    )
    op.create_index("audit_events_subject_ids", "audit_events", ["subject_ids"], postgresql_using="gin")
    op.create_index("audit_events_actor", "audit_events", ["actor_id", "seq"])
    op.create_index("audit_events_occurred_at", "audit_events", ["occurred_at"])
    # Append-only: any UPDATE or DELETE statement fails, even one that matches no row.
    # TRUNCATE stays possible (tests empty the table with it); the role running the
    # service should not be granted TRUNCATE in production.
    op.execute(
        """
        CREATE FUNCTION audit_events_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
        $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER audit_events_append_only
        BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()
        """
    )


def downgrade():
    op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
    op.execute("DROP FUNCTION audit_events_append_only()")
    op.drop_table("audit_events")
