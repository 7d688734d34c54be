"""E-invoice sendings (B3): each Finvoice message sent through the e-invoice operator and its outcome.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "einvoice_sendings",
        sa.Column("id", UUID(as_uuid=True), primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("invoice_id", UUID(as_uuid=True), sa.ForeignKey("invoices.id"), nullable=False),
        sa.Column("message_id", sa.Text()),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.Column("to_identifier", sa.Text()),
        sa.Column("to_intermediator", sa.Text(), nullable=False),
        sa.Column("actor_username", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint(
            "status IN ('accepted', 'delivered', 'rejected')", name="einvoice_sendings_status"
        ),
    )
    op.create_index("einvoice_sendings_invoice", "einvoice_sendings", ["invoice_id", "sent_at"])
    op.create_index(
        "einvoice_sendings_pending",
        "einvoice_sendings",
        ["sent_at"],
        postgresql_where=sa.text("status = 'accepted'"),
    )


def downgrade():
    op.drop_table("einvoice_sendings")
