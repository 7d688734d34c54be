"""Exports database: the transactional outbox (issue 11 item 6).

Revision ID: 0004
Revises: 0003

A job's "queued" message is written in the job's own transaction and relayed with confirms (the
exports service used to publish it after the commit, so a crash in between left the job queued for ever).
"""

from alembic import op

from piiri.outbox import create_outbox_v1

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    create_outbox_v1(op)


def downgrade():
    op.drop_table("outbox")
