"""Fee types name the membership period they pay (B4, issue 15: membership from payments).

Revision ID: 0002
Revises: 0001

``fee_types.membership_period``: "2027" (or a season "2026-2027") when a paid invoice of the fee makes its
payer (and a couple's partner) a paid-up member for that period; null for any other fee.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("fee_types", sa.Column("membership_period", sa.Text(), nullable=True))


def downgrade():
    op.drop_column("fee_types", "membership_period")
