"""Tables of the contacts database (the migrations in migrations/ create exactly these)."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Computed,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from piiri.collation import FINNISH
from piiri.outbox import outbox_table
from services.contacts.consents.contract import LEGAL_BASES
from services.contacts.consents.contract import SOURCES as CONSENT_SOURCES

metadata = MetaData()

# piiri_norm(text) = lower(unaccent(text)), declared IMMUTABLE in the first migration so it can
# feed generated columns and indexes. Query terms go through the same function, in SQL.
# piiri_contact_extra_text (0011) adds every listed e-mail and phone and the tags.
SEARCH_TEXT_SQL = (
    "piiri_norm(coalesce(first_name, '') || ' ' || coalesce(middle_name, '') || ' ' "
    "|| coalesce(preferred_name, '') || ' ' "
    "|| coalesce(last_name, '') || ' ' || coalesce(organisation_name, '') || ' ' "
    "|| coalesce(email, '') || ' ' || coalesce(alt_names_text, '') || ' ' "
    "|| piiri_contact_extra_text(emails, phones, tags))"
)
# Name order (C4, issue 13; 0019): the letters kept, in Finnish collation (Å, Ä, Ö after Z).
SORT_NAME_SQL = "lower(coalesce(last_name, organisation_name, '') || ' ' || coalesce(first_name, ''))"

contacts = Table(
    "contacts",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("kind", String(12), nullable=False),
    Column("first_name", String(100)),
    Column("preferred_name", String(100)),
    Column("last_name", String(100)),
    Column("organisation_name", String(200)),
    # The flat e-mail, phone and address columns always hold the primary entry of the lists below.
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
    # Rich standard fields (C2, 0011).
    Column("middle_name", String(100)),
    Column("title", String(100)),
    Column("honorific", String(60)),
    Column("gender", String(12)),
    Column("website", String(300)),
    # The payer's e-invoice address (OVT code or IBAN) and operator code (B3, 0026; piiri/einvoice.py).
    Column("einvoice_address", String(35)),
    Column("einvoice_operator", String(35)),
    Column("tags", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    # [{address, kind, primary}], [{number, kind, primary}], [{kind, street, postal_code, city,
    # country, primary}]: every entry, exactly one primary per non-empty list.
    Column("emails", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("phones", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("addresses", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("search_text", Text, Computed(SEARCH_TEXT_SQL, persisted=True)),
    Column("sort_name", Text(collation=FINNISH), Computed(SORT_NAME_SQL, persisted=True)),
    Column("email_norm", Text, Computed("lower(email)", persisted=True)),
    CheckConstraint("kind IN ('person', 'organisation')", name="contacts_kind"),
    CheckConstraint("gender IS NULL OR gender IN ('female', 'male', 'other')", name="contacts_gender"),
    Index("contacts_tags", "tags", postgresql_using="gin"),
    # Covering (0007): the bounded walks of the name order in storage._text_rows() are index-only scans.
    Index("contacts_sort", "sort_name", "id", postgresql_include=["search_text"]),
    Index(
        "contacts_search_trgm",
        "search_text",
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
    ),
    Index("contacts_email", "email_norm", postgresql_ops={"email_norm": "text_pattern_ops"}),
    Index("contacts_phone", "phone", postgresql_ops={"phone": "text_pattern_ops"}),
    # Round birthdays (C13): living persons in birth-date then name order, so each age's range is one
    # index-only scan that stops after the first rows (services/contacts/birthdays/storage.py).
    Index(
        "contacts_birth_date",
        "birth_date",
        "sort_name",
        "id",
        postgresql_where=text("kind = 'person' AND deceased_on IS NULL"),
    ),
    # Advanced search (C4, 0010): keyset paging of sorted lists, one index range per page.
    Index("contacts_sort_created", "created_at", "id"),
    Index("contacts_sort_updated", "updated_at", "id"),
    Index("contacts_sort_birth", "birth_date", "id"),
    Index("contacts_sort_city", text(f'lower(city::text COLLATE "{FINNISH}")'), "id"),
    Index("contacts_sort_email", text(f'lower(email::text COLLATE "{FINNISH}")'), "id"),  # 0024
    # Retention (G5, 0015): the deceased rule's range.
    Index("contacts_deceased", "deceased_on", "id", postgresql_where=text("deceased_on IS NOT NULL")),
)

# Every distinct word (letters only, 2+ characters) of contacts.search_text, for typo search
# (storage._fuzzy_page) and where name-order walks start (storage._sort_floor). Filled by migration
# 0007 and kept in step by statement-level triggers on contacts: piiri_add_search_words adds words,
# piiri_prune_search_words (0018) forgets the words and bounds of changed or deleted rows nobody has.
search_words = Table(
    "search_words",
    metadata,
    Column("word", Text, primary_key=True),
    # A lower bound of the sort_name of the contacts having the word (raised when that contact goes, 0018).
    Column("first_sort_name", Text(collation=FINNISH), nullable=False),
    Index("search_words_trgm", "word", postgresql_using="gin", postgresql_ops={"word": "gin_trgm_ops"}),
    # 0018: the bounds that were a changed or deleted contact's sort_name are found and raised.
    Index("search_words_bound", "first_sort_name"),
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
    # The dashboard (0022): members on a day in one index-only scan; joined / left in a date range.
    Index("memberships_dashboard", "contact_id", "starts_on", "ends_on"),
    Index("memberships_starts", "starts_on", "contact_id"),
    Index("memberships_ends", "ends_on", "contact_id", postgresql_where=text("ends_on IS NOT NULL")),
)

# Distinct active members per group, direct and including subgroups, as of the one counted day:
# kept exact by triggers on memberships and groups in the same transaction (migration 0014); the
# service rolls the day forward (piiri_group_counts_roll) before reading. No row: no members.
group_member_counts = Table(
    "group_member_counts",
    metadata,
    Column("group_id", UUID(as_uuid=True), ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
    Column("direct_members", Integer, nullable=False, server_default="0"),
    Column("all_members", Integer, nullable=False, server_default="0"),
)

group_member_counts_day = Table(
    "group_member_counts_day",
    metadata,
    Column("id", Boolean, primary_key=True, server_default=text("true")),
    Column("counted_on", Date, nullable=False),
    CheckConstraint("id", name="group_member_counts_day_one_row"),
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
    # custom_text=words: substring search over text and choice values.
    Index(
        "custom_values_text_trgm",
        "value_text",
        postgresql_using="gin",
        postgresql_ops={"value_text": "gin_trgm_ops"},
    ),
)

# --- Saved searches (C4) --------------------------------------------------------------------------

saved_searches = Table(
    "saved_searches",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("name", String(200), nullable=False),
    Column("owner_id", String(64), nullable=False),
    Column("owner_name", String(150), nullable=False),
    Column("shared", Boolean, nullable=False, server_default=text("false")),
    Column("query", Text, nullable=False, server_default=""),
    Column("filters", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    # An advanced-search expression (AND/OR/NOT tree) instead of query and filters (migration 0014).
    Column("expression", JSONB),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
# Names are unique per owner, ignoring case; the index also serves "the owner's searches".
Index(
    "saved_searches_owner_name",
    saved_searches.c.owner_id,
    func.lower(saved_searches.c.name),
    unique=True,
)

# --- Round birthdays (C13) ------------------------------------------------------------------------

birthday_settings = Table(
    "birthday_settings",
    metadata,
    Column("id", Integer, primary_key=True),  # a single row, id 1
    Column(
        "round_ages", ARRAY(Integer), nullable=False, server_default=text("'{50,60,70,75,80,85,90,95,100}'")
    ),
    Column("horizon_days", Integer, nullable=False, server_default="60"),
    # Who is "important": a set of search filters (filters.py), e.g. {"group_id": "…"}.
    Column("important_filters", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("id = 1", name="birthday_settings_single_row"),
)

birthday_reminders = Table(
    "birthday_reminders",
    metadata,
    Column("day", Date, primary_key=True),  # one reminder event per day, however many instances run
    Column("contact_ids", ARRAY(UUID(as_uuid=True)), nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# --- Duplicates and merges (C11) ------------------------------------------------------------------

duplicate_candidates = Table(
    "duplicate_candidates",
    metadata,
    Column("contact_a", UUID(as_uuid=True), ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_b", UUID(as_uuid=True), ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("score", Integer, nullable=False),
    Column("reasons", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("found_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("contact_a < contact_b", name="duplicate_candidates_ordered"),
    Index("duplicate_candidates_score", "score", "contact_a", "contact_b"),
    Index("duplicate_candidates_b", "contact_b"),
)

duplicate_dismissals = Table(
    "duplicate_dismissals",
    metadata,
    Column("contact_a", UUID(as_uuid=True), primary_key=True),
    Column("contact_b", UUID(as_uuid=True), primary_key=True),
    Column("dismissed_by", String(150), nullable=False),
    Column("dismissed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("contact_a < contact_b", name="duplicate_dismissals_ordered"),
)

# The dashboard's figures (issue 13 item 2) as last counted, per data scope ("all", or "scope:<group ids>"):
# the RPC answers from here while they are fresh, a timer counts again the ones in use (dashboard/rpc.py).
# Numbers only, no contact's data.
dashboard_figures = Table(
    "dashboard_figures",
    metadata,
    Column("scope_key", Text, primary_key=True),
    Column("day", Date, nullable=False),
    Column("figures", JSONB, nullable=False),
    Column("computed_at", DateTime(timezone=True), nullable=False),
    Column("compute_ms", Integer, nullable=False, server_default="0"),
    Column("asked_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# A merged-away contact's id keeps resolving to the contact it was merged into.
contact_redirects = Table(
    "contact_redirects",
    metadata,
    Column("merged_id", UUID(as_uuid=True), primary_key=True),
    Column("survivor_id", UUID(as_uuid=True), ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("merged_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("merged_by", String(150), nullable=False),
    Index("contact_redirects_survivor", "survivor_id"),
)

# Where the duplicate scan (find_duplicates) got to in the contacts' (updated_at, id) order: one row.
duplicate_scans = Table(
    "duplicate_scans",
    metadata,
    Column("id", Integer, primary_key=True),  # a single row, id 1
    Column("scanned_until", DateTime(timezone=True)),
    Column("scanned_id", UUID(as_uuid=True)),
    Column("scanned_at", DateTime(timezone=True)),
    CheckConstraint("id = 1", name="duplicate_scans_single_row"),
)
# Blocking keys of the duplicate search not indexed otherwise (same postal code); "changed since" uses
# contacts_sort_updated.
Index("contacts_postal_code", contacts.c.postal_code)

# --- Group automations (C8) -----------------------------------------------------------------------

automations = Table(
    "automations",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("name", String(200), nullable=False),
    Column("enabled", Boolean, nullable=False, server_default=text("true")),
    Column("trigger_type", String(30), nullable=False),
    Column("trigger_config", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("action_type", String(30), nullable=False),
    Column("action_config", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("created_by", String(150), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint(
        "trigger_type IN ('member_joined', 'member_left', 'date_reached', 'membership_paid_changed',"
        " 'membership_unpaid_on')",
        name="automations_trigger",
    ),
    CheckConstraint(
        "action_type IN ('add_to_group', 'remove_from_group', 'set_status', 'end_status', 'publish_event')",
        name="automations_action",
    ),
)

automation_runs = Table(
    "automation_runs",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column(
        "automation_id", UUID(as_uuid=True), ForeignKey("automations.id", ondelete="CASCADE"), nullable=False
    ),
    # What fired it, unique per automation: the triggering event's id, or "<contact id>:<date>".
    Column("trigger_key", String(200), nullable=False),
    Column("contact_id", UUID(as_uuid=True)),
    Column("outcome", String(20), nullable=False),
    Column("detail", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("ran_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("automation_id", "trigger_key", name="automation_runs_once"),
    Index("automation_runs_history", "automation_id", "ran_at"),
    Index("automation_runs_contact", "contact_id"),
)

# --- Person-organisation links and photos (C2, 0012) ----------------------------------------------

AFFILIATION_ROLES = ("employee", "board_member", "chair", "member", "contact_person", "volunteer", "other")

affiliations = Table(
    "affiliations",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("person_id", UUID(as_uuid=True), ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column(
        "organisation_id", UUID(as_uuid=True), ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False
    ),
    Column("role", String(20), nullable=False),
    Column("title", String(100)),
    Column("starts_on", Date),
    Column("ends_on", Date),
    # The person's main organisation (name cards, letters).
    Column("is_primary", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint(f"role IN {AFFILIATION_ROLES}", name="affiliations_role"),
    CheckConstraint("person_id <> organisation_id", name="affiliations_not_self"),
    CheckConstraint(
        "ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="affiliations_dates"
    ),
    UniqueConstraint("person_id", "organisation_id", "role", name="affiliations_once"),
    Index("affiliations_person", "person_id"),
    Index("affiliations_organisation", "organisation_id"),
)

# One photo per contact, apart from the contacts row so that lists and searches never read it.
contact_photos = Table(
    "contact_photos",
    metadata,
    Column("contact_id", UUID(as_uuid=True), ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("content_type", String(20), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("content_type IN ('image/jpeg', 'image/png', 'image/webp')", name="contact_photos_type"),
)

# --- Data protection (G1, G4, G5; 0013) -----------------------------------------------------------

# The legal bases and consent sources are the contract's (services/contacts/consents/contract.py): the check
# constraints below hold the same words, so a contract change needs a migration.

# Why personal data is processed, with the default legal basis; built-ins inserted by 0013.
processing_purposes = Table(
    "processing_purposes",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("label_fi", String(150), nullable=False),
    Column("label_en", String(150), nullable=False),
    Column("legal_basis", String(30), nullable=False),
    Column("description", Text),
    Column("builtin", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint(f"legal_basis IN {LEGAL_BASES}", name="processing_purposes_basis"),
    CheckConstraint("code ~ '^[a-z][a-z0-9_]{1,39}$'", name="processing_purposes_code"),
)

# Append-only history per person and purpose; the latest row is the current state.
consents = Table(
    "consents",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("contact_id", UUID(as_uuid=True), ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("purpose", String(40), ForeignKey("processing_purposes.code"), nullable=False),
    Column("given", Boolean, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("source", String(20), nullable=False),
    Column("text_version", String(60)),
    Column("note", Text),
    Column("recorded_by", String(150), nullable=False),
    CheckConstraint(f"source IN {CONSENT_SOURCES}", name="consents_source"),
    Index("consents_contact", "contact_id", "purpose", "recorded_at"),
)

# A person-specific legal basis for a purpose, beside the purpose's default.
legal_bases = Table(
    "legal_bases",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("contact_id", UUID(as_uuid=True), ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("purpose", String(40), ForeignKey("processing_purposes.code"), nullable=False),
    Column("basis", String(30), nullable=False),
    Column("starts_on", Date),
    Column("ends_on", Date),
    Column("note", Text),
    Column("recorded_by", String(150), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint(f"basis IN {LEGAL_BASES}", name="legal_bases_basis"),
    CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="legal_bases_dates"),
    Index("legal_bases_contact", "contact_id"),
)

retention_rules = Table(
    "retention_rules",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("name", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("config", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("enabled", Boolean, nullable=False, server_default=text("true")),
    Column("created_by", String(150), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# One row per right-to-be-forgotten request; the contact is gone afterwards (no foreign key).
erasures = Table(
    "erasures",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("contact_id", UUID(as_uuid=True), nullable=False),
    Column("requested_by", String(150), nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("reason", Text),
    # {service: ISO completed-at, or null while pending}
    Column("services", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("completed_at", DateTime(timezone=True)),
    # 0018: the imports that created or changed the person, named in the request to the imports service.
    Column("import_ids", ARRAY(UUID(as_uuid=True)), nullable=False, server_default=text("'{}'")),
    # 0018: saved searches whose text named the person, and their couples: subjects that named them.
    Column("related_ids", ARRAY(UUID(as_uuid=True)), nullable=False, server_default=text("'{}'")),
    # 0020: digests of the person's values (piiri/erasure_keys.py), sent in every request.
    Column("match_keys", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    UniqueConstraint("contact_id", name="erasures_contact_once"),
    Index("erasures_pending", "requested_at", postgresql_where=text("completed_at IS NULL")),
)

# Retention (G5, 0015): per contact the later of its last change and its last membership end; NULL
# while a membership has no end. Kept in step by triggers on contacts and memberships.
retention_activity = Table(
    "retention_activity",
    metadata,
    Column("contact_id", UUID(as_uuid=True), ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("activity_on", Date),
    Index(
        "retention_activity_on", "activity_on", "contact_id", postgresql_where=text("activity_on IS NOT NULL")
    ),
)

# G1 (0015): the latest row of the consent history per contact and purpose, kept by triggers on consents.
consent_current = Table(
    "consent_current",
    metadata,
    Column("contact_id", UUID(as_uuid=True), ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("purpose", String(40), ForeignKey("processing_purposes.code"), primary_key=True),
    Column("given", Boolean, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("consent_id", UUID(as_uuid=True), nullable=False),
    Index("consent_current_given", "purpose", "contact_id", postgresql_where=text("given")),
)

# Imports (I1, 0016): each chunk of an import committed once (the chunk's result kept for a retried
# call), and every contact an import created or updated with its before image, for undo.
contact_import_chunks = Table(
    "contact_import_chunks",
    metadata,
    Column("import_id", UUID(as_uuid=True), primary_key=True),
    Column("chunk_no", Integer, primary_key=True),
    Column("result", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("committed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

contact_import_changes = Table(
    "contact_import_changes",
    metadata,
    Column("import_id", UUID(as_uuid=True), primary_key=True),
    Column("contact_id", UUID(as_uuid=True), primary_key=True),
    Column("chunk_no", Integer, nullable=False),
    Column("action", String(10), nullable=False),
    Column("before", JSONB),
    Column("version_after", Integer, nullable=False),
    Column("membership_ids", ARRAY(UUID(as_uuid=True)), nullable=False, server_default=text("'{}'")),
    Column("consent_ids", ARRAY(UUID(as_uuid=True)), nullable=False, server_default=text("'{}'")),
    Column("undone_at", DateTime(timezone=True)),
    CheckConstraint("action IN ('created', 'updated')", name="contact_import_changes_action"),
    Index("contact_import_changes_contact", "contact_id"),
)

# Duplicate matching of imports (0016): every listed e-mail (lower case) and phone of a contact as an
# array (GIN, probed with &&), and persons by normalised name and birth date.
Index(
    "contacts_import_emails",
    func.piiri_import_emails(contacts.c.emails, contacts.c.email),
    postgresql_using="gin",
    postgresql_with={"fastupdate": "off"},
)
Index(
    "contacts_import_phones",
    func.piiri_import_phones(contacts.c.phones, contacts.c.phone),
    postgresql_using="gin",
    postgresql_with={"fastupdate": "off"},
)
Index(
    "contacts_import_name_birth",
    contacts.c.birth_date,
    func.piiri_import_name(contacts.c.first_name, contacts.c.last_name),
    postgresql_where=text("birth_date IS NOT NULL"),
)

# --- Paid-up membership (B4, issue 15; 0021) --------------------------------------------------------
# One row per invoice and member it covers, from billing's invoice_paid (idempotent by the key); a
# credit note sets withdrawn_at (a credit arriving first leaves the row withdrawn, so the late payment
# event changes nothing). Paid up for a period: a row of it not withdrawn, or a membership flag.
membership_payments = Table(
    "membership_payments",
    metadata,
    Column("invoice_id", UUID(as_uuid=True), primary_key=True),
    Column(
        "contact_id",
        UUID(as_uuid=True),
        ForeignKey("contacts.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("period", Text, nullable=False),
    Column("paid_on", Date),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("withdrawn_at", DateTime(timezone=True)),
    Index("membership_payments_paid", "period", "contact_id", postgresql_where=text("withdrawn_at IS NULL")),
    Index("membership_payments_contact", "contact_id"),
)

# A free or honorary membership: paid up for every period, with who set it, when and why.
membership_flags = Table(
    "membership_flags",
    metadata,
    Column("contact_id", UUID(as_uuid=True), ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("set_by", String(150), nullable=False),
    Column("set_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("kind IN ('free', 'honorary')", name="membership_flags_kind"),
)

outbox = outbox_table(metadata)

# What changed in a contact's fields, old and new value, who and when (issue 13 item 5): the contact page
# shows it as "old → new" beside the audit trail. Personal data: in the access report, erased with the
# contact (cascade), read only through an audited RPC.
contact_changes = Table(
    "contact_changes",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("contact_id", UUID(as_uuid=True), ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("actor_username", String(150)),
    Column("field", Text, nullable=False),
    Column("old_value", JSONB),
    Column("new_value", JSONB),
    Index("contact_changes_contact", "contact_id", "id"),
)
