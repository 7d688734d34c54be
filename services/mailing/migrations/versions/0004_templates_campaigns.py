"""Mail templates (M2), campaigns and their per-recipient ledger (M1, M4).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

UUID = postgresql.UUID(as_uuid=True)
JSONB = postgresql.JSONB
NOW = sa.func.now()
STAMP = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "mail_templates",
        sa.Column("id", UUID, primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("mjml", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("updated_by", sa.Text, nullable=False),
        sa.Column("created_at", STAMP, nullable=False, server_default=NOW),
        sa.Column("updated_at", STAMP, nullable=False, server_default=NOW),
        sa.Column("archived_at", STAMP),
    )
    op.create_index(
        "mail_templates_name",
        "mail_templates",
        ["name"],
        unique=True,
        postgresql_where=sa.text("archived_at IS NULL"),
    )
    op.create_table(
        "campaigns",
        sa.Column("id", UUID, primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("template_id", UUID, sa.ForeignKey("mail_templates.id"), nullable=False),
        sa.Column("template", JSONB, nullable=False),
        sa.Column("list_ids", JSONB, nullable=False),
        sa.Column("from_name", sa.Text, nullable=False),
        sa.Column("from_email", sa.Text, nullable=False),
        sa.Column("reply_to", sa.Text, nullable=False),
        sa.Column("content_secret", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False, server_default="draft"),
        sa.Column("send_at", STAMP),
        sa.Column("cm_campaign_id", sa.Text),
        sa.Column("sync_run_ids", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("requested_by", sa.Text),
        sa.Column("error", sa.Text),
        sa.Column("error_details", JSONB),
        sa.Column("recipients", sa.Integer),
        sa.Column("report", JSONB),
        sa.Column("report_at", STAMP),
        sa.Column("created_at", STAMP, nullable=False, server_default=NOW),
        sa.Column("updated_at", STAMP, nullable=False, server_default=NOW),
        sa.Column("sent_at", STAMP),
        sa.CheckConstraint(
            "status IN ('draft', 'syncing', 'dispatching', 'scheduled', 'sent', 'failed')",
            name="campaigns_status",
        ),
    )
    op.create_index("campaigns_status", "campaigns", ["status"])
    op.create_table(
        "campaign_recipients",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("campaign_id", UUID, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False),
        sa.Column("contact_id", UUID),
        sa.Column("email", sa.Text),
        sa.Column("list_id", UUID),
        sa.Column("recorded_at", STAMP, nullable=False, server_default=NOW),
        sa.Column("erased_at", STAMP),
    )
    op.create_index("campaign_recipients_campaign", "campaign_recipients", ["campaign_id"])
    op.create_index("campaign_recipients_contact", "campaign_recipients", ["contact_id"])


def downgrade():
    op.drop_table("campaign_recipients")
    op.drop_table("campaigns")
    op.drop_table("mail_templates")
