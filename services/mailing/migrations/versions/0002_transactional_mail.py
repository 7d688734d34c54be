"""Transactional mail (B3, issue 14): the durable queue and message log of mails sent through SMTP.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UUID = postgresql.UUID(as_uuid=True)
NOW = sa.func.now()
STAMP = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "mail_messages",
        sa.Column("id", UUID, primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("key", sa.Text, nullable=False, unique=True),
        sa.Column("contact_id", UUID),
        sa.Column("recipient", sa.Text),
        sa.Column("subject", sa.Text),
        sa.Column("body", sa.Text),
        sa.Column("language", sa.Text, nullable=False, server_default="fi"),
        sa.Column("attachments", postgresql.JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column(
            "disclosed_fields", postgresql.JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")
        ),
        sa.Column("reference_kind", sa.Text),
        sa.Column("reference_id", sa.Text),
        sa.Column("message_id", sa.Text, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False, server_default="queued"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("code", sa.Text),
        sa.Column("detail", sa.Text),
        sa.Column("next_attempt_at", STAMP, nullable=False, server_default=NOW),
        sa.Column("lease_until", STAMP),
        sa.Column("queued_at", STAMP, nullable=False, server_default=NOW),
        sa.Column("sent_at", STAMP),
        sa.Column("bounced_at", STAMP),
        sa.Column("failed_at", STAMP),
        sa.Column("erased_at", STAMP),
        sa.CheckConstraint(
            "status IN ('queued', 'sending', 'sent', 'bounced', 'failed')", name="mail_messages_status"
        ),
    )
    op.create_index(
        "mail_messages_due",
        "mail_messages",
        ["next_attempt_at"],
        postgresql_where=sa.text("status IN ('queued', 'sending')"),
    )
    op.create_index("mail_messages_contact", "mail_messages", ["contact_id"])
    op.create_index("mail_messages_reference", "mail_messages", ["reference_kind", "reference_id"])


def downgrade():
    op.drop_table("mail_messages")
