"""Surveys database (Q1, Q2): linked LimeSurvey surveys, participants, responses, proposed changes, outbox.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from piiri.outbox import create_outbox_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UUID = postgresql.UUID(as_uuid=True)


def _id():
    return sa.Column("id", UUID, primary_key=True, server_default=sa.text("gen_random_uuid()"))


def _link_id():
    return sa.Column("link_id", UUID, sa.ForeignKey("survey_links.id", ondelete="CASCADE"), nullable=False)


def upgrade():
    op.create_table(
        "survey_links",
        _id(),
        sa.Column("sid", sa.BigInteger, nullable=False, unique=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("anonymized", sa.Text, nullable=False, server_default="N"),
        sa.Column("selection", postgresql.JSONB),
        sa.Column("mapping", postgresql.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("known_mode", sa.Text, nullable=False, server_default="propose"),
        sa.Column("new_people", sa.Text, nullable=False, server_default="skip"),
        sa.Column("new_people_group_id", UUID),
        sa.Column("actor", postgresql.JSONB, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("last_response_id", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("synced_at", sa.DateTime(timezone=True)),
        sa.Column("sync_error", sa.Text),
        sa.CheckConstraint("known_mode IN ('propose', 'apply')", name="survey_links_known_mode"),
    )
    op.create_table(
        "survey_participants",
        _id(),
        _link_id(),
        sa.Column("contact_id", UUID, nullable=False),
        sa.Column("tid", sa.BigInteger, nullable=False),
        sa.Column("token", sa.Text, nullable=False),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("first_name", sa.Text),
        sa.Column("last_name", sa.Text),
        sa.Column("language", sa.Text),
        sa.Column("invited_at", sa.Text),
        sa.Column("reminded_at", sa.Text),
        sa.Column("reminder_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("completed_at", sa.Text),
        sa.Column("pushed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("link_id", "tid", name="survey_participants_tid"),
    )
    op.create_index("survey_participants_contact", "survey_participants", ["link_id", "contact_id"])
    op.create_index("survey_participants_token", "survey_participants", ["link_id", "token"])
    op.create_index("survey_participants_contact_id", "survey_participants", ["contact_id"])
    op.create_table(
        "survey_responses",
        _id(),
        _link_id(),
        sa.Column("response_id", sa.BigInteger, nullable=False),
        sa.Column("contact_id", UUID),
        sa.Column("submitted_at", sa.Text),
        sa.Column("answers", postgresql.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column("errors", postgresql.JSONB),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("link_id", "response_id", name="survey_responses_response"),
        sa.CheckConstraint(
            "outcome IN ('unchanged', 'proposed', 'applied', 'created', 'updated', 'skipped', 'error', "
            "'anonymous')",
            name="survey_responses_outcome",
        ),
    )
    op.create_index("survey_responses_contact", "survey_responses", ["contact_id"])
    op.create_table(
        "survey_proposals",
        _id(),
        sa.Column(
            "response_row_id", UUID, sa.ForeignKey("survey_responses.id", ondelete="CASCADE"), nullable=False
        ),
        _link_id(),
        sa.Column("contact_id", UUID, nullable=False),
        sa.Column("changes", postgresql.JSONB, nullable=False),
        sa.Column("state", sa.Text, nullable=False, server_default="open"),
        sa.Column("decided_by", sa.Text),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("state IN ('open', 'accepted', 'rejected')", name="survey_proposals_state"),
    )
    op.create_index("survey_proposals_open", "survey_proposals", ["state", "created_at"])
    op.create_index("survey_proposals_contact", "survey_proposals", ["contact_id"])
    create_outbox_v1(op)


def downgrade():
    op.drop_table("outbox")
    op.drop_table("survey_proposals")
    op.drop_table("survey_responses")
    op.drop_table("survey_participants")
    op.drop_table("survey_links")
