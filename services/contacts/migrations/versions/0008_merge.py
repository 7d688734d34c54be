"""Duplicates and merges (C11): candidate pairs for review, dismissed pairs, redirects of merged ids, the
scan's watermark and the blocking indexes (postal code; changed since).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

UUID = postgresql.UUID(as_uuid=True)


def upgrade():
    op.create_table(
        "duplicate_candidates",
        sa.Column("contact_a", UUID, sa.ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("contact_b", UUID, sa.ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("reasons", postgresql.JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("contact_a < contact_b", name="duplicate_candidates_ordered"),
    )
    op.create_index("duplicate_candidates_score", "duplicate_candidates", ["score", "contact_a", "contact_b"])
    op.create_index("duplicate_candidates_b", "duplicate_candidates", ["contact_b"])
    op.create_table(
        "duplicate_dismissals",
        sa.Column("contact_a", UUID, primary_key=True),
        sa.Column("contact_b", UUID, primary_key=True),
        sa.Column("dismissed_by", sa.String(150), nullable=False),
        sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("contact_a < contact_b", name="duplicate_dismissals_ordered"),
    )
    op.create_table(
        "contact_redirects",
        sa.Column("merged_id", UUID, primary_key=True),
        sa.Column("survivor_id", UUID, sa.ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("merged_by", sa.String(150), nullable=False),
    )
    op.create_index("contact_redirects_survivor", "contact_redirects", ["survivor_id"])
    op.create_table(
        "duplicate_scans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("scanned_until", sa.DateTime(timezone=True)),
        sa.Column("scanned_id", UUID),
        sa.Column("scanned_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("id = 1", name="duplicate_scans_single_row"),
    )
    op.create_index("contacts_postal_code", "contacts", ["postal_code"])
    op.create_index("contacts_updated", "contacts", ["updated_at", "id"])


def downgrade():
    op.drop_index("contacts_updated", table_name="contacts")
    op.drop_index("contacts_postal_code", table_name="contacts")
    op.drop_table("duplicate_scans")
    op.drop_table("contact_redirects")
    op.drop_table("duplicate_dismissals")
    op.drop_table("duplicate_candidates")
