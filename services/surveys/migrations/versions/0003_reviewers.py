"""Reviewers of application rounds (Q3): the gateway users with the reviewer role taken into a round (with
their own contact for conflicts of interest), their declared conflicts and their assignments (an
overridden conflict with its reason).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

UUID = postgresql.UUID(as_uuid=True)


def _created_at():
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def upgrade():
    op.create_table(
        "round_reviewers",
        sa.Column("id", UUID, primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column(
            "round_id", UUID, sa.ForeignKey("application_rounds.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("username", sa.Text, nullable=False),
        sa.Column("contact_id", UUID),
        _created_at(),
        sa.UniqueConstraint("round_id", "user_id", name="round_reviewers_user"),
    )
    op.create_index("round_reviewers_contact", "round_reviewers", ["contact_id"])
    op.create_table(
        "reviewer_declarations",
        sa.Column(
            "reviewer_id", UUID, sa.ForeignKey("round_reviewers.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column(
            "application_id", UUID, sa.ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True
        ),
        _created_at(),
    )
    op.create_table(
        "review_assignments",
        sa.Column("id", UUID, primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column(
            "application_id", UUID, sa.ForeignKey("applications.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "reviewer_id", UUID, sa.ForeignKey("round_reviewers.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("assigned_by", sa.Text, nullable=False),
        sa.Column("override_reason", sa.Text),
        sa.Column("conflicts", postgresql.JSONB),
        _created_at(),
        sa.UniqueConstraint("application_id", "reviewer_id", name="review_assignments_once"),
    )
    op.create_index("review_assignments_reviewer", "review_assignments", ["reviewer_id"])


def downgrade():
    op.drop_table("review_assignments")
    op.drop_table("reviewer_declarations")
    op.drop_table("round_reviewers")
