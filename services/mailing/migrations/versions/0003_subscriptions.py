"""Subscription forms (M3, issue 14): a list's form and its versioned consent texts, the pending and
confirmed subscriptions, and the submissions counted for the rate limits.

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
NOW = sa.func.now()
STAMP = sa.DateTime(timezone=True)


def _list_id(primary_key=False):
    return sa.Column(
        "list_id",
        UUID,
        sa.ForeignKey("mailing_lists.id", ondelete="CASCADE"),
        primary_key=primary_key,
        nullable=False,
    )


def upgrade():
    op.create_table(
        "subscription_forms",
        _list_id(primary_key=True),
        sa.Column("token", sa.Text, nullable=False, unique=True),
        sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.text("false")),
        sa.Column("consent_version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("updated_by", sa.Text),
        sa.Column("updated_at", STAMP, nullable=False, server_default=NOW),
    )
    op.create_table(
        "subscription_consent_texts",
        _list_id(primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("texts", postgresql.JSONB, nullable=False),
        sa.Column("created_by", sa.Text),
        sa.Column("created_at", STAMP, nullable=False, server_default=NOW),
    )
    op.create_table(
        "subscriptions",
        sa.Column("id", UUID, primary_key=True, server_default=sa.text("gen_random_uuid()")),
        _list_id(),
        sa.Column("code_hash", sa.Text, nullable=False, unique=True),
        sa.Column("status", sa.Text, nullable=False, server_default="pending"),
        sa.Column("email", sa.Text),
        sa.Column("first_name", sa.Text),
        sa.Column("last_name", sa.Text),
        sa.Column("language", sa.Text, nullable=False, server_default="fi"),
        sa.Column("consent_version", sa.Integer, nullable=False),
        sa.Column("mail_id", UUID),
        sa.Column("contact_id", UUID),
        sa.Column("created_at", STAMP, nullable=False, server_default=NOW),
        sa.Column("expires_at", STAMP, nullable=False),
        sa.Column("confirmed_at", STAMP),
        sa.CheckConstraint("status IN ('pending', 'confirmed')", name="subscriptions_status"),
    )
    op.create_index(
        "subscriptions_pending",
        "subscriptions",
        ["list_id", sa.text("lower(email)")],
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index(
        "subscriptions_expiry",
        "subscriptions",
        ["expires_at"],
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index("subscriptions_contact", "subscriptions", ["contact_id"])
    op.create_table(
        "subscription_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("digest", sa.Text, nullable=False),
        sa.Column("at", STAMP, nullable=False, server_default=NOW),
    )
    op.create_index("subscription_attempts_key", "subscription_attempts", ["kind", "digest", "at"])


def downgrade():
    op.drop_table("subscription_attempts")
    op.drop_table("subscriptions")
    op.drop_table("subscription_consent_texts")
    op.drop_table("subscription_forms")
