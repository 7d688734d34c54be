"""Search speed: a covering name-order index and a dictionary of search words for typo search.

Revision ID: 0007
Revises: 0006

- ``contacts_sort`` becomes ``(sort_name, id) INCLUDE (search_text)``: the bounded walks of the name
  order in storage._text_rows() are then index-only scans (after VACUUM, which `piiri seed` runs).
- ``search_words``: every distinct word (letters only, 2+ characters) of contacts.search_text, with a
  trigram index, and ``first_sort_name``: a lower bound of the sort_name of the contacts having it.
  Typo search (storage._fuzzy_page) looks the mistyped term up here and then runs the exact search
  for the nearest words; name-order walks start at the bound (storage._sort_floor) instead of at
  the top of the alphabet. Two statement-level triggers on contacts add the words of inserted and
  updated rows (COPY included), set-based, and lower first_sort_name when a row sorts earlier.
  Nothing is ever removed or raised: after a rename or delete a word may be stale (the exact search
  for it finds nothing) and a bound too low (a walk starts earlier than needed), both harmless.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# The words of a search_text: runs of letters (any script), at least 2 long. Also used by the trigger.
# Not STRICT, so that PostgreSQL inlines it (NULL gives no words all the same); unnest of the array is
# ~1.5x faster than regexp_split_to_table.
WORDS_FUNCTION = r"""
CREATE FUNCTION piiri_search_words(text) RETURNS SETOF text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT w FROM unnest(regexp_split_to_array($1, '[^[:alpha:]]+')) AS w WHERE length(w) >= 2 $$
"""

# New words, and words whose first_sort_name the new rows lower; only those rows are written (and
# locked), sorted, so that concurrent transactions take their locks in one order.
TRIGGER_FUNCTION = """
CREATE FUNCTION piiri_add_search_words() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    INSERT INTO search_words AS s (word, first_sort_name)
    SELECT n.word, n.first_sort_name
    FROM (
        SELECT w AS word, min(new_rows.sort_name) AS first_sort_name
        FROM new_rows, piiri_search_words(new_rows.search_text) AS w
        GROUP BY w
    ) AS n
    WHERE NOT EXISTS (
        SELECT 1 FROM search_words AS o WHERE o.word = n.word AND o.first_sort_name <= n.first_sort_name
    )
    ORDER BY n.word
    ON CONFLICT (word) DO UPDATE SET first_sort_name = excluded.first_sort_name
    WHERE excluded.first_sort_name < s.first_sort_name;
    RETURN NULL;
END
$$
"""


def upgrade():
    op.drop_index("contacts_sort", table_name="contacts")
    op.create_index("contacts_sort", "contacts", ["sort_name", "id"], postgresql_include=["search_text"])

    op.create_table(
        "search_words",
        sa.Column("word", sa.Text, primary_key=True),
        sa.Column("first_sort_name", sa.Text, nullable=False),
    )
    op.create_index(
        "search_words_trgm",
        "search_words",
        ["word"],
        postgresql_using="gin",
        postgresql_ops={"word": "gin_trgm_ops"},
    )
    op.execute(WORDS_FUNCTION)
    op.execute(
        "INSERT INTO search_words (word, first_sort_name) "
        "SELECT w, min(contacts.sort_name) FROM contacts, piiri_search_words(contacts.search_text) AS w "
        "GROUP BY w"
    )
    op.execute(TRIGGER_FUNCTION)
    for event in ("INSERT", "UPDATE"):
        op.execute(
            f"CREATE TRIGGER contacts_search_words_{event.lower()} AFTER {event} ON contacts "
            "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION piiri_add_search_words()"
        )


def downgrade():
    for event in ("insert", "update"):
        op.execute(f"DROP TRIGGER contacts_search_words_{event} ON contacts")
    op.execute("DROP FUNCTION piiri_add_search_words()")
    op.execute("DROP FUNCTION piiri_search_words(text)")
    op.drop_table("search_words")
    op.drop_index("contacts_sort", table_name="contacts")
    op.create_index("contacts_sort", "contacts", ["sort_name", "id"])
