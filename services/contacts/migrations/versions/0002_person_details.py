"""Person details: alternative names (C12), deceased (C14), temporary statuses (C9), couples (C10).

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

OLD_SEARCH_TEXT_SQL = (
    "piiri_norm(coalesce(first_name, '') || ' ' || coalesce(preferred_name, '') || ' ' "
    "|| coalesce(last_name, '') || ' ' || coalesce(organisation_name, '') || ' ' "
    "|| coalesce(email, ''))"
)
SEARCH_TEXT_SQL = (
    "piiri_norm(coalesce(first_name, '') || ' ' || coalesce(preferred_name, '') || ' ' "
    "|| coalesce(last_name, '') || ' ' || coalesce(organisation_name, '') || ' ' "
    "|| coalesce(email, '') || ' ' || coalesce(alt_names_text, ''))"
)
UUID = postgresql.UUID(as_uuid=True)


def _search_text(expression):
    op.drop_index("contacts_search_trgm", table_name="contacts")
    op.drop_column("contacts", "search_text")
    op.add_column("contacts", sa.Column("search_text", sa.Text, sa.Computed(expression, persisted=True)))
    op.create_index(
        "contacts_search_trgm",
        "contacts",
        ["search_text"],
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
    )


def upgrade():
    op.add_column("contacts", sa.Column("deceased_on", sa.Date))
    op.add_column("contacts", sa.Column("alt_names_text", sa.Text))
    _search_text(SEARCH_TEXT_SQL)

    op.create_table(
        "contact_names",
        sa.Column("id", UUID, primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("contact_id", UUID, sa.ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("script", sa.String(4)),
        sa.Column("first_name", sa.String(100)),
        sa.Column("last_name", sa.String(100)),
        sa.Column("use_in_letters", sa.Boolean, nullable=False, server_default=sa.text("false")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint(
            "kind IN ('transliteration', 'native', 'maiden', 'former', 'nickname', 'other')",
            name="contact_names_kind",
        ),
        sa.CheckConstraint("first_name IS NOT NULL OR last_name IS NOT NULL", name="contact_names_some_name"),
    )
    op.create_index("contact_names_contact", "contact_names", ["contact_id"])

    op.create_table(
        "status_kinds",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("label_fi", sa.String(100), nullable=False),
        sa.Column("label_en", sa.String(100), nullable=False),
        sa.Column("builtin", sa.Boolean, nullable=False, server_default=sa.text("false")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.bulk_insert(
        sa.table(
            "status_kinds",
            sa.column("code", sa.String),
            sa.column("label_fi", sa.String),
            sa.column("label_en", sa.String),
            sa.column("builtin", sa.Boolean),
        ),
        [
            {"code": "on_leave", "label_fi": "Lomalla", "label_en": "On leave", "builtin": True},
            {"code": "abroad", "label_fi": "Ulkomailla", "label_en": "Abroad", "builtin": True},
            {
                "code": "parental_leave",
                "label_fi": "Perhevapaalla",
                "label_en": "Parental leave",
                "builtin": True,
            },
        ],
    )
    op.create_table(
        "contact_statuses",
        sa.Column("id", UUID, primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("contact_id", UUID, sa.ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(40), sa.ForeignKey("status_kinds.code"), nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date),
        sa.Column("note", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="contact_statuses_dates"),
    )
    op.create_index("contact_statuses_contact", "contact_statuses", ["contact_id"])
    op.create_index("contact_statuses_active", "contact_statuses", ["kind", "starts_on", "ends_on"])

    op.create_table(
        "couples",
        sa.Column("id", UUID, primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "couple_members",
        sa.Column("couple_id", UUID, sa.ForeignKey("couples.id", ondelete="CASCADE"), primary_key=True),
        sa.Column(
            "contact_id",
            UUID,
            sa.ForeignKey("contacts.id", ondelete="CASCADE"),
            primary_key=True,
            unique=True,
        ),
    )


def downgrade():
    op.drop_table("couple_members")
    op.drop_table("couples")
    op.drop_table("contact_statuses")
    op.drop_table("status_kinds")
    op.drop_table("contact_names")
    _search_text(OLD_SEARCH_TEXT_SQL)
    op.drop_column("contacts", "alt_names_text")
    op.drop_column("contacts", "deceased_on")
