"""Contacts, their search columns and indexes, and the outbox.

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

SEARCH_TEXT_SQL = (
    "piiri_norm(coalesce(first_name, '') || ' ' || coalesce(preferred_name, '') || ' ' "
    "|| coalesce(last_name, '') || ' ' || coalesce(organisation_name, '') || ' ' "
    "|| coalesce(email, ''))"
)
SORT_NAME_SQL = "piiri_norm(coalesce(last_name, organisation_name, '') || ' ' || coalesce(first_name, ''))"


def upgrade():
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(
        """
        CREATE FUNCTION piiri_norm(text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$
        """
    )
    op.create_table(
        "contacts",
        sa.Column(
            "id", postgresql.UUID(as_uuid=True), primary_key=True, server_default=sa.text("gen_random_uuid()")
        ),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("first_name", sa.String(100)),
        sa.Column("preferred_name", sa.String(100)),
        sa.Column("last_name", sa.String(100)),
        sa.Column("organisation_name", sa.String(200)),
        sa.Column("email", sa.String(254)),
        sa.Column("phone", sa.String(20)),
        sa.Column("street", sa.String(200)),
        sa.Column("postal_code", sa.String(20)),
        sa.Column("city", sa.String(100)),
        sa.Column("country", sa.String(2), nullable=False, server_default="FI"),
        sa.Column("birth_date", sa.Date),
        sa.Column("language", sa.String(2), nullable=False, server_default="fi"),
        sa.Column("notes", sa.Text),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("search_text", sa.Text, sa.Computed(SEARCH_TEXT_SQL, persisted=True)),
        sa.Column("sort_name", sa.Text, sa.Computed(SORT_NAME_SQL, persisted=True)),
        sa.Column("email_norm", sa.Text, sa.Computed("lower(email)", persisted=True)),
        sa.CheckConstraint("kind IN ('person', 'organisation')", name="contacts_kind"),
    )
    op.create_index("contacts_sort", "contacts", ["sort_name", "id"])
    op.create_index(
        "contacts_search_trgm",
        "contacts",
        ["search_text"],
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
    )
    op.create_index(
        "contacts_email", "contacts", ["email_norm"], postgresql_ops={"email_norm": "text_pattern_ops"}
    )
    op.create_index("contacts_phone", "contacts", ["phone"], postgresql_ops={"phone": "text_pattern_ops"})
    create_outbox_v1(op)


def downgrade():
    op.drop_table("outbox")
    op.drop_table("contacts")
    op.execute("DROP FUNCTION piiri_norm(text)")
