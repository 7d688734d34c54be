"""Rich standard fields (C2): more name parts, gender, web, tags, and several e-mails, phones, addresses.

Revision ID: 0011
Revises: 0010

- ``middle_name``, ``title`` (professional or job title), ``honorific`` (courtesy or honorary title,
  e.g. "tri", "kauppaneuvos"), ``gender`` (optional), ``website``, ``tags`` (text[], GIN-indexed).
- ``emails``, ``phones``, ``addresses``: JSONB lists of every e-mail, phone and postal address with a
  kind and exactly one ``primary`` entry per list. The flat columns (email, phone, street, postal_code,
  city, country) stay, always equal to the primary entry, so lists, sorting, filters and the indexes
  on them keep working unchanged (services/contacts/rich_fields keeps the two in step).
- ``search_text`` also covers the middle name, every e-mail and phone, and the tags, through the
  IMMUTABLE ``piiri_contact_extra_text``; the column is regenerated, with its indexes, and the new
  words are added to search_words.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

OLD_SEARCH_TEXT_SQL = (
    "piiri_norm(coalesce(first_name, '') || ' ' || coalesce(preferred_name, '') || ' ' "
    "|| coalesce(last_name, '') || ' ' || coalesce(organisation_name, '') || ' ' "
    "|| coalesce(email, '') || ' ' || coalesce(alt_names_text, ''))"
)
SEARCH_TEXT_SQL = (
    "piiri_norm(coalesce(first_name, '') || ' ' || coalesce(middle_name, '') || ' ' "
    "|| coalesce(preferred_name, '') || ' ' "
    "|| coalesce(last_name, '') || ' ' || coalesce(organisation_name, '') || ' ' "
    "|| coalesce(email, '') || ' ' || coalesce(alt_names_text, '') || ' ' "
    "|| piiri_contact_extra_text(emails, phones, tags))"
)

# Every e-mail address and phone number of the lists, and the tags, as one text. IMMUTABLE (it only
# reads its arguments), so it can feed the generated search_text.
EXTRA_TEXT_FUNCTION = """
CREATE FUNCTION piiri_contact_extra_text(emails jsonb, phones jsonb, tags text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT concat_ws(' ',
        (SELECT string_agg(e ->> 'address', ' ') FROM jsonb_array_elements(coalesce(emails, '[]')) AS e),
        (SELECT string_agg(p ->> 'number', ' ') FROM jsonb_array_elements(coalesce(phones, '[]')) AS p),
        (SELECT string_agg(t, ' ') FROM unnest(coalesce(tags, '{}'::text[])) AS t))
$$
"""

JSON_LIST = sa.text("'[]'::jsonb")


def _search_text(expression):
    op.drop_index("contacts_sort", table_name="contacts")
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
    op.create_index("contacts_sort", "contacts", ["sort_name", "id"], postgresql_include=["search_text"])


def upgrade():
    op.add_column("contacts", sa.Column("middle_name", sa.String(100)))
    op.add_column("contacts", sa.Column("title", sa.String(100)))
    op.add_column("contacts", sa.Column("honorific", sa.String(60)))
    op.add_column("contacts", sa.Column("gender", sa.String(12)))
    op.add_column("contacts", sa.Column("website", sa.String(300)))
    op.add_column(
        "contacts",
        sa.Column("tags", postgresql.ARRAY(sa.Text), nullable=False, server_default=sa.text("'{}'")),
    )
    for name in ("emails", "phones", "addresses"):
        op.add_column("contacts", sa.Column(name, postgresql.JSONB, nullable=False, server_default=JSON_LIST))
    op.create_check_constraint(
        "contacts_gender", "contacts", "gender IS NULL OR gender IN ('female', 'male', 'other')"
    )
    op.create_index("contacts_tags", "contacts", ["tags"], postgresql_using="gin")

    # The lists start as the flat primary values of existing contacts.
    op.execute(
        """
        UPDATE contacts SET
            emails = CASE WHEN email IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(
                jsonb_build_object('address', email, 'kind', 'home', 'primary', true)) END,
            phones = CASE WHEN phone IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(
                jsonb_build_object('number', phone, 'kind', 'mobile', 'primary', true)) END,
            addresses = CASE WHEN street IS NULL AND postal_code IS NULL AND city IS NULL
                THEN '[]'::jsonb ELSE jsonb_build_array(jsonb_build_object(
                    'kind', 'home', 'street', street, 'postal_code', postal_code, 'city', city,
                    'country', country, 'primary', true)) END
        WHERE email IS NOT NULL OR phone IS NOT NULL OR street IS NOT NULL
            OR postal_code IS NOT NULL OR city IS NOT NULL
        """
    )
    op.execute(EXTRA_TEXT_FUNCTION)
    _search_text(SEARCH_TEXT_SQL)
    op.execute(
        "INSERT INTO search_words AS s (word, first_sort_name) "
        "SELECT w, min(contacts.sort_name) FROM contacts, piiri_search_words(contacts.search_text) AS w "
        "GROUP BY w ON CONFLICT (word) DO UPDATE SET first_sort_name = excluded.first_sort_name "
        "WHERE excluded.first_sort_name < s.first_sort_name"
    )


def downgrade():
    _search_text(OLD_SEARCH_TEXT_SQL)
    op.execute("DROP FUNCTION piiri_contact_extra_text(jsonb, jsonb, text[])")
    op.drop_index("contacts_tags", table_name="contacts")
    op.drop_constraint("contacts_gender", "contacts")
    for name in ("addresses", "phones", "emails", "tags", "website", "gender", "honorific", "title"):
        op.drop_column("contacts", name)
    op.drop_column("contacts", "middle_name")
