"""Federation split (B1): settlement parties, fee type components and each invoice line's frozen split.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(12, 2)


def upgrade():
    op.create_table(
        "settlement_parties",
        sa.Column("id", UUID(as_uuid=True), primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("business_id", sa.Text(), nullable=False, unique=True),
        sa.Column("iban", sa.Text()),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.text("true")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "fee_type_components",
        sa.Column("fee_type_id", UUID(as_uuid=True), sa.ForeignKey("fee_types.id"), primary_key=True),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("party_id", UUID(as_uuid=True), sa.ForeignKey("settlement_parties.id"), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.CheckConstraint("amount > 0", name="fee_type_components_positive"),
        sa.UniqueConstraint("fee_type_id", "party_id", name="fee_type_components_party_once"),
    )
    op.create_table(
        "invoice_line_splits",
        sa.Column(
            "invoice_id",
            UUID(as_uuid=True),
            sa.ForeignKey("invoices.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("party_id", UUID(as_uuid=True), sa.ForeignKey("settlement_parties.id"), primary_key=True),
        sa.Column("party_name", sa.Text(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
    )
    op.create_index("invoice_line_splits_party", "invoice_line_splits", ["party_id"])


def downgrade():
    op.drop_table("invoice_line_splits")
    op.drop_table("fee_type_components")
    op.drop_table("settlement_parties")
