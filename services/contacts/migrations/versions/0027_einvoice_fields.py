"""The payer's e-invoice address and operator as contact fields (B3, issue 15): ``einvoice_address`` (an
OVT code or an IBAN) and ``einvoice_operator`` (the operator's code), compact, checked by the service
with the rules billing sends by (piiri/einvoice.py).

Revision ID: 0027
Revises: 0026
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("contacts", sa.Column("einvoice_address", sa.String(35)))
    op.add_column("contacts", sa.Column("einvoice_operator", sa.String(35)))


def downgrade():
    op.drop_column("contacts", "einvoice_operator")
    op.drop_column("contacts", "einvoice_address")
