"""Reminder e-invoices retried (B4): a reminder whose e-invoice the operator did not take (away, a 5xx)
is tried again with a growing wait: how many tries it had and when the next one is due.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "reminders", sa.Column("delivery_attempts", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("reminders", sa.Column("next_attempt_at", sa.DateTime(timezone=True)))
    op.create_index(
        "reminders_retry",
        "reminders",
        ["next_attempt_at"],
        postgresql_where=sa.text("next_attempt_at IS NOT NULL"),
    )


def downgrade():
    op.drop_index("reminders_retry", table_name="reminders")
    op.drop_column("reminders", "next_attempt_at")
    op.drop_column("reminders", "delivery_attempts")
