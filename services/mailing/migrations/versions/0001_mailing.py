"""Mailing (M1, M5): mailing lists, their members at Campaign Monitor, bounce and unsubscribe flags, sync
runs and their row failures, the outbox.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from piiri.outbox import create_outbox_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UUID = postgresql.UUID(as_uuid=True)
NOW = sa.func.now()


def upgrade():
    op.create_table(
        "mailing_lists",
        sa.Column("id", UUID, primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("purpose", sa.Text, nullable=False),
        sa.Column("source_kind", sa.Text, nullable=False),
        sa.Column("source_id", UUID, nullable=False),
        sa.Column("include_subgroups", sa.Boolean, nullable=False, server_default=sa.text("true")),
        sa.Column("fields", postgresql.JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("cm_list_id", sa.Text),
        sa.Column("cm_fields", postgresql.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("webhook_id", sa.Text),
        sa.Column("webhook_secret", sa.Text, nullable=False),
        sa.Column("webhook_deactivated_at", sa.DateTime(timezone=True)),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("erased_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("archived_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("source_kind IN ('group', 'saved_search')", name="mailing_lists_source_kind"),
    )
    op.create_index(
        "mailing_lists_name",
        "mailing_lists",
        ["name"],
        unique=True,
        postgresql_where=sa.text("archived_at IS NULL"),
    )
    op.create_table(
        "list_members",
        sa.Column("list_id", UUID, sa.ForeignKey("mailing_lists.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("contact_id", UUID, primary_key=True),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False, server_default="active"),
        sa.Column("pushed_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.CheckConstraint(
            "state IN ('active', 'removed', 'unsubscribed', 'bounced')", name="list_members_state"
        ),
    )
    op.create_index("list_members_contact", "list_members", ["contact_id"])
    op.create_index("list_members_email", "list_members", ["list_id", sa.text("lower(email)")])
    op.create_table(
        "contact_flags",
        sa.Column("contact_id", UUID, primary_key=True),
        sa.Column("kind", sa.Text, primary_key=True),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("list_id", UUID),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.CheckConstraint("kind IN ('bounced', 'unsubscribed')", name="contact_flags_kind"),
    )
    op.create_table(
        "sync_runs",
        sa.Column("id", UUID, primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("list_id", UUID, sa.ForeignKey("mailing_lists.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False, server_default="queued"),
        sa.Column("contact_ids", postgresql.JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("requested_by", sa.Text, nullable=False),
        sa.Column("counts", postgresql.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("error", sa.Text),
        sa.Column("error_details", postgresql.JSONB),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("kind IN ('full', 'incremental')", name="sync_runs_kind"),
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="sync_runs_status"),
    )
    op.create_index("sync_runs_list", "sync_runs", ["list_id", "created_at"])
    op.create_index("sync_runs_running", "sync_runs", ["status", "heartbeat_at"])
    op.create_table(
        "sync_failures",
        sa.Column("run_id", UUID, sa.ForeignKey("sync_runs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("contact_id", UUID, primary_key=True),
        sa.Column("code", sa.Text, nullable=False),
        sa.Column("details", postgresql.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    )
    op.create_index("sync_failures_contact", "sync_failures", ["contact_id"])
    create_outbox_v1(op)


def downgrade():
    op.drop_table("outbox")
    op.drop_table("sync_failures")
    op.drop_table("sync_runs")
    op.drop_table("contact_flags")
    op.drop_table("list_members")
    op.drop_table("mailing_lists")
