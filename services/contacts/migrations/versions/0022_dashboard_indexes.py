"""Indexes for the dashboard's member figures (issue 13 item 2).

Revision ID: 0022
Revises: 0021

- ``memberships_dashboard`` (contact_id, starts_on, ends_on): members on a day, grouped by contact, is
  one index-only scan in contact order (no heap pages, no sort);
- ``memberships_starts`` (starts_on, contact_id) and ``memberships_ends`` (ends_on, contact_id) where
  ended: who joined and who left this month are short index-only ranges, as are the contact list's
  filters ``joined_from`` / ``left_from``.
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("memberships_dashboard", "memberships", ["contact_id", "starts_on", "ends_on"])
    op.create_index("memberships_starts", "memberships", ["starts_on", "contact_id"])
    op.create_index(
        "memberships_ends",
        "memberships",
        ["ends_on", "contact_id"],
        postgresql_where=sa.text("ends_on IS NOT NULL"),
    )


def downgrade():
    op.drop_index("memberships_ends", table_name="memberships")
    op.drop_index("memberships_starts", table_name="memberships")
    op.drop_index("memberships_dashboard", table_name="memberships")
