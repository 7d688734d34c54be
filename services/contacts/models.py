"""Tables of the contacts database (the migrations in migrations/ create exactly these)."""

from sqlalchemy import (
    CheckConstraint,
    Column,
    Computed,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import UUID

from piiri.outbox import outbox_table

metadata = MetaData()

# piiri_norm(text) = lower(unaccent(text)), declared IMMUTABLE in the first migration so it can
# feed generated columns and indexes. Query terms go through the same function, in SQL.
SEARCH_TEXT_SQL = (
    "piiri_norm(coalesce(first_name, '') || ' ' || coalesce(preferred_name, '') || ' ' "
    "|| coalesce(last_name, '') || ' ' || coalesce(organisation_name, '') || ' ' "
    "|| coalesce(email, ''))"
)
SORT_NAME_SQL = "piiri_norm(coalesce(last_name, organisation_name, '') || ' ' || coalesce(first_name, ''))"

contacts = Table(
    "contacts",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("kind", String(12), nullable=False),
    Column("first_name", String(100)),
    Column("preferred_name", String(100)),
    Column("last_name", String(100)),
    Column("organisation_name", String(200)),
    Column("email", String(254)),
    Column("phone", String(20)),
    Column("street", String(200)),
    Column("postal_code", String(20)),
    Column("city", String(100)),
    Column("country", String(2), nullable=False, server_default="FI"),
    Column("birth_date", Date),
    Column("language", String(2), nullable=False, server_default="fi"),
    Column("notes", Text),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("search_text", Text, Computed(SEARCH_TEXT_SQL, persisted=True)),
    Column("sort_name", Text, Computed(SORT_NAME_SQL, persisted=True)),
    Column("email_norm", Text, Computed("lower(email)", persisted=True)),
    CheckConstraint("kind IN ('person', 'organisation')", name="contacts_kind"),
    Index("contacts_sort", "sort_name", "id"),
    Index(
        "contacts_search_trgm",
        "search_text",
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
    ),
    Index("contacts_email", "email_norm", postgresql_ops={"email_norm": "text_pattern_ops"}),
    Index("contacts_phone", "phone", postgresql_ops={"phone": "text_pattern_ops"}),
)

outbox = outbox_table(metadata)
