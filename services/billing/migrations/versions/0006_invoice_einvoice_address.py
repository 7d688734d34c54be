"""B3: an invoice delivered as an e-invoice keeps the payer's e-invoice address and operator as their
contact had them when it was issued (a run delivers by e-invoice to every payer who has one).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("invoices", sa.Column("einvoice_address", sa.Text()))
    op.add_column("invoices", sa.Column("einvoice_operator", sa.Text()))


def downgrade():
    op.drop_column("invoices", "einvoice_operator")
    op.drop_column("invoices", "einvoice_address")
