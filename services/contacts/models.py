"""Tables of the contacts database (the migrations in migrations/ create exactly these)."""

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Computed,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from piiri.outbox import outbox_table

metadata = MetaData()

# piiri_norm(text) = lower(unaccent(text)), declared IMMUTABLE in the first migration so it can
# feed generated columns and indexes. Query terms go through the same function, in SQL.
SEARCH_TEXT_SQL = (
    "piiri_norm(coalesce(first_name, '') || ' ' || coalesce(preferred_name, '') || ' ' "
    "|| coalesce(last_name, '') || ' ' || coalesce(organisation_name, '') || ' ' "
    "|| coalesce(email, '') || ' ' || coalesce(alt_names_text, ''))"
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
    Column("deceased_on", Date),
    # All alternative names (contact_names) as one text, kept in step by the service, for search.
    Column("alt_names_text", Text),
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

# --- Person details (C12 alternative names, C9 statuses, C10 couples) ---------------------------

contact_names = Table(
    "contact_names",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("contact_id", UUID(as_uuid=True), ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("script", String(4)),
    Column("first_name", String(100)),
    Column("last_name", String(100)),
    Column("use_in_letters", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint(
        "kind IN ('transliteration', 'native', 'maiden', 'former', 'nickname', 'other')",
        name="contact_names_kind",
    ),
    CheckConstraint("first_name IS NOT NULL OR last_name IS NOT NULL", name="contact_names_some_name"),
    Index("contact_names_contact", "contact_id"),
)

status_kinds = Table(
    "status_kinds",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("label_fi", String(100), nullable=False),
    Column("label_en", String(100), nullable=False),
    Column("builtin", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

contact_statuses = Table(
    "contact_statuses",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("contact_id", UUID(as_uuid=True), ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(40), ForeignKey("status_kinds.code"), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date),
    Column("note", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="contact_statuses_dates"),
    Index("contact_statuses_contact", "contact_id"),
    Index("contact_statuses_active", "kind", "starts_on", "ends_on"),
)

couples = Table(
    "couples",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

couple_members = Table(
    "couple_members",
    metadata,
    Column("couple_id", UUID(as_uuid=True), ForeignKey("couples.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "contact_id",
        UUID(as_uuid=True),
        ForeignKey("contacts.id", ondelete="CASCADE"),
        primary_key=True,
        unique=True,
    ),
)

# --- Groups (C7) ----------------------------------------------------------------------------------

groups = Table(
    "groups",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("parent_id", UUID(as_uuid=True), ForeignKey("groups.id")),
    Column("name", String(200), nullable=False),
    Column("description", Text),
    # Materialised path of ids, '/<root id>/…/<own id>/': subtree = one indexed prefix match.
    Column("path", Text, nullable=False),
    Column("archived_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("groups_path", "path", postgresql_ops={"path": "text_pattern_ops"}),
    Index("groups_parent", "parent_id"),
)

memberships = Table(
    "memberships",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("group_id", UUID(as_uuid=True), ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
    Column("contact_id", UUID(as_uuid=True), ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("role", String(100)),
    Column("starts_on", Date, nullable=False, server_default=text("CURRENT_DATE")),
    Column("ends_on", Date),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="memberships_dates"),
    Index("memberships_group", "group_id", "contact_id"),
    Index("memberships_contact", "contact_id"),
)

# --- Custom fields (C3) ---------------------------------------------------------------------------

custom_fields = Table(
    "custom_fields",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("key", String(60), nullable=False, unique=True),
    Column("label_fi", String(200), nullable=False),
    Column("label_en", String(200), nullable=False),
    Column("field_type", String(20), nullable=False),
    Column("required", Boolean, nullable=False, server_default=text("false")),
    Column("unique_values", Boolean, nullable=False, server_default=text("false")),
    Column("help_fi", Text),
    Column("help_en", Text),
    Column("choices", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("position", Integer, nullable=False, server_default="0"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # Set when an admin removes the field: its values stay recoverable until the field is purged.
    Column("removed_at", DateTime(timezone=True)),
    CheckConstraint(
        "field_type IN ('text', 'number', 'date', 'choice', 'multi_choice', 'boolean', 'contact_link')",
        name="custom_fields_type",
    ),
)

custom_values = Table(
    "custom_values",
    metadata,
    Column("contact_id", UUID(as_uuid=True), ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "field_id", UUID(as_uuid=True), ForeignKey("custom_fields.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("value", JSONB, nullable=False),
    # The value normalised (piiri_norm of its text form) for search, filters and unique checks.
    Column("value_text", Text, nullable=False),
    Index("custom_values_field_text", "field_id", "value_text"),
)

outbox = outbox_table(metadata)
