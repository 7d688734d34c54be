"""Group automations (C8): rules set up by admins, and the history of every run (exactly once).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

UUID = postgresql.UUID(as_uuid=True)


def upgrade():
    op.create_table(
        "automations",
        sa.Column("id", UUID, primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.text("true")),
        sa.Column("trigger_type", sa.String(30), nullable=False),
        sa.Column("trigger_config", postgresql.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("action_type", sa.String(30), nullable=False),
        sa.Column("action_config", postgresql.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("created_by", sa.String(150), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint(
            "trigger_type IN ('member_joined', 'member_left', 'date_reached')", name="automations_trigger"
        ),
        sa.CheckConstraint(
            "action_type IN ('add_to_group', 'remove_from_group', 'set_status', 'end_status',"
            " 'publish_event')",
            name="automations_action",
        ),
    )
    op.create_table(
        "automation_runs",
        sa.Column("id", UUID, primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("automation_id", UUID, sa.ForeignKey("automations.id", ondelete="CASCADE"), nullable=False),
        # What fired it, unique per automation: the triggering event's id, or "<contact id>:<date>".
        sa.Column("trigger_key", sa.String(200), nullable=False),
        sa.Column("contact_id", UUID),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("detail", postgresql.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("ran_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("automation_id", "trigger_key", name="automation_runs_once"),
    )
    op.create_index("automation_runs_history", "automation_runs", ["automation_id", "ran_at"])
    op.create_index("automation_runs_contact", "automation_runs", ["contact_id"])


def downgrade():
    op.drop_table("automation_runs")
    op.drop_table("automations")
