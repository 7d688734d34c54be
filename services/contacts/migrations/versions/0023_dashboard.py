"""The dashboard's figures (issue 13 item 2): indexes for the member figures and the table of the last counts.

Revision ID: 0023
Revises: 0022

- ``memberships_dashboard`` (contact_id, starts_on, ends_on): members on a day, grouped by contact, is
  one index-only scan in contact order (no heap pages, no sort);
- ``memberships_starts`` (starts_on, contact_id) and ``memberships_ends`` (ends_on, contact_id) where
  ended: who joined and who left this month are short index-only ranges, as are the contact list's
  filters ``joined_from`` / ``left_from``;
- ``dashboard_figures``: the figures as last counted per data scope, answered while fresh and counted
  again by a timer (services/contacts/dashboard/rpc.py); numbers only.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "dashboard_figures",
        sa.Column("scope_key", sa.Text(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("figures", postgresql.JSONB(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("compute_ms", sa.Integer(), server_default="0", nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("scope_key"),
    )
    op.create_index("memberships_dashboard", "memberships", ["contact_id", "starts_on", "ends_on"])
    op.create_index("memberships_starts", "memberships", ["starts_on", "contact_id"])
    op.create_index(
        "memberships_ends",
        "memberships",
        ["ends_on", "contact_id"],
        postgresql_where=sa.text("ends_on IS NOT NULL"),
    )


def downgrade():
    op.drop_table("dashboard_figures")
    op.drop_index("memberships_ends", table_name="memberships")
    op.drop_index("memberships_starts", table_name="memberships")
    op.drop_index("memberships_dashboard", table_name="memberships")
