"""Reviewers' scores (Q3): a score and comment per criterion of each assigned application, and when the
reviewer submitted them.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

UUID = postgresql.UUID(as_uuid=True)


def upgrade():
    op.add_column("review_assignments", sa.Column("submitted_at", sa.DateTime(timezone=True)))
    op.create_table(
        "review_scores",
        sa.Column(
            "assignment_id",
            UUID,
            sa.ForeignKey("review_assignments.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "criterion_id", UUID, sa.ForeignKey("round_criteria.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("comment", sa.Text, nullable=False, server_default=""),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )


def downgrade():
    op.drop_table("review_scores")
    op.drop_column("review_assignments", "submitted_at")
