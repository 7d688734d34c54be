"""E-mail deliveries (B3): each invoice (or other document) sent by e-mail through the mailing service,
and how it fared (queued, sent, bounced, failed).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

STAMP = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "email_deliveries",
        sa.Column("id", UUID(as_uuid=True), primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("document_kind", sa.Text(), nullable=False, server_default="invoice"),
        sa.Column("document_id", UUID(as_uuid=True), nullable=False),
        sa.Column("invoice_id", UUID(as_uuid=True), sa.ForeignKey("invoices.id")),
        sa.Column("mail_id", UUID(as_uuid=True), unique=True),
        sa.Column("request", JSONB),
        sa.Column("status", sa.Text(), nullable=False, server_default="queued"),
        sa.Column("code", sa.Text()),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("actor_username", sa.Text(), nullable=False),
        sa.Column("queued_at", STAMP, nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", STAMP, nullable=False, server_default=sa.func.now()),
        sa.Column("sent_at", STAMP),
        sa.Column("bounced_at", STAMP),
        sa.Column("failed_at", STAMP),
        sa.CheckConstraint(
            "status IN ('queued', 'sent', 'bounced', 'failed')", name="email_deliveries_status"
        ),
    )
    op.create_index("email_deliveries_invoice", "email_deliveries", ["invoice_id", "queued_at"])
    op.create_index("email_deliveries_document", "email_deliveries", ["document_kind", "document_id"])
    op.create_index(
        "email_deliveries_handover",
        "email_deliveries",
        ["queued_at"],
        postgresql_where=sa.text("mail_id IS NULL"),
    )


def downgrade():
    op.drop_table("email_deliveries")
