"""Application rounds (Q3): rounds with their phases, deadlines and released fields, the rubric's criteria,
applications (entered in Piiri or from a linked survey's responses) and their attachments.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UUID = postgresql.UUID(as_uuid=True)
JSONB = postgresql.JSONB


def _id():
    return sa.Column("id", UUID, primary_key=True, server_default=sa.text("gen_random_uuid()"))


def _round_id():
    return sa.Column(
        "round_id", UUID, sa.ForeignKey("application_rounds.id", ondelete="CASCADE"), nullable=False
    )


def _created_at():
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def upgrade():
    op.create_table(
        "application_rounds",
        _id(),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("form_fields", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("released_fields", JSONB, nullable=False, server_default=sa.text("'[\"title\"]'::jsonb")),
        sa.Column("blind", sa.Boolean, nullable=False, server_default=sa.text("true")),
        sa.Column("phase", sa.Text, nullable=False, server_default="assign"),
        sa.Column("assign_until", sa.Date),
        sa.Column("review_until", sa.Date),
        sa.Column("decide_until", sa.Date),
        sa.Column("reviewers_per_application", sa.Integer, nullable=False, server_default="2"),
        sa.Column("conflict_group_ids", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("link_id", UUID, sa.ForeignKey("survey_links.id", ondelete="SET NULL")),
        sa.Column("question_map", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("created_by", sa.Text, nullable=False),
        _created_at(),
        sa.CheckConstraint(
            "phase IN ('assign', 'review', 'decide', 'closed')", name="application_rounds_phase"
        ),
    )
    op.create_table(
        "round_criteria",
        _id(),
        _round_id(),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("weight", sa.Float, nullable=False),
        sa.Column("minimum", sa.Float),
        sa.Column("max_score", sa.Integer, nullable=False, server_default="5"),
        sa.CheckConstraint("weight > 0", name="round_criteria_weight"),
        sa.UniqueConstraint("round_id", "position", name="round_criteria_position"),
    )
    op.create_table(
        "applications",
        _id(),
        _round_id(),
        sa.Column("contact_id", UUID),
        sa.Column("title", sa.Text),
        sa.Column("texts", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("language", sa.Text, nullable=False, server_default="fi"),
        sa.Column("source", sa.Text, nullable=False, server_default="piiri"),
        sa.Column("response_id", sa.BigInteger),
        sa.Column("state", sa.Text, nullable=False, server_default="submitted"),
        sa.Column("created_by", sa.Text, nullable=False),
        _created_at(),
        sa.Column("pseudonymised_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("state IN ('submitted', 'accepted', 'rejected')", name="applications_state"),
        sa.CheckConstraint("source IN ('piiri', 'survey')", name="applications_source"),
        sa.UniqueConstraint("round_id", "response_id", name="applications_response"),
    )
    op.create_index("applications_round", "applications", ["round_id", "created_at"])
    op.create_index("applications_contact", "applications", ["contact_id"])
    op.create_table(
        "application_attachments",
        _id(),
        sa.Column(
            "application_id", UUID, sa.ForeignKey("applications.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("filename", sa.Text, nullable=False),
        sa.Column("content_type", sa.Text, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        _created_at(),
    )
    op.create_index(
        "ix_application_attachments_application_id", "application_attachments", ["application_id"]
    )


def downgrade():
    op.drop_table("application_attachments")
    op.drop_table("applications")
    op.drop_table("round_criteria")
    op.drop_table("application_rounds")
