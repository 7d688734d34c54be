"""Finnish collation in every sorted list of contacts (C4, issue 13 item 3): Å, Ä, Ö after Z.

Revision ID: 0019
Revises: 0018

- ``sort_name`` was ``piiri_norm(last name || first name)``: unaccented, so Åberg sorted as 'aberg'
  among the A's. It becomes ``lower(…)`` (the letters kept) in the ICU collation ``fi-x-icu``: Aalto,
  Virtanen, Wahlroos, Zetterberg, Åberg, Ärling, Öhman (other accents, é or ü, sort with their base
  letter as Finnish collation says). The column is dropped and added again (PostgreSQL 15 cannot change
  a generated expression): the table is rewritten, and the indexes on it are made again with the
  column's collation: ``contacts_sort`` (the name order of the list, search and exports; keyset
  paging), ``contacts_birth_date`` (C13).
- ``search_words.first_sort_name`` takes the same collation (it bounds sort_name: the floors of
  storage._sort_floor) and is filled again from the contacts.
Advanced search sorted by city still uses ``piiri_norm(city)`` (index contacts_sort_city) unchanged.
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

NAME = "coalesce(last_name, organisation_name, '') || ' ' || coalesce(first_name, '')"
FINNISH = '"fi-x-icu"'


def _sort_name(expression, collation):
    op.execute("ALTER TABLE contacts DROP COLUMN sort_name")
    op.execute(
        f"ALTER TABLE contacts ADD COLUMN sort_name text {collation} "
        f"GENERATED ALWAYS AS ({expression}) STORED"
    )
    op.create_index("contacts_sort", "contacts", ["sort_name", "id"], postgresql_include=["search_text"])
    op.create_index(
        "contacts_birth_date",
        "contacts",
        ["birth_date", "sort_name", "id"],
        postgresql_where=sa.text("kind = 'person' AND deceased_on IS NULL"),
    )
    op.drop_index("search_words_bound", table_name="search_words")
    op.execute(f"ALTER TABLE search_words ALTER COLUMN first_sort_name TYPE text {collation}")
    op.execute(
        "UPDATE search_words AS s SET first_sort_name = coalesce(b.bound, '') FROM search_words AS k "
        "LEFT JOIN (SELECT w, min(c.sort_name) AS bound FROM contacts AS c, "
        "piiri_search_words(c.search_text) AS w GROUP BY w) AS b ON b.w = k.word WHERE k.word = s.word"
    )
    op.create_index("search_words_bound", "search_words", ["first_sort_name"])


def upgrade():
    _sort_name(f"lower({NAME})", f"COLLATE {FINNISH}")


def downgrade():
    _sort_name(f"piiri_norm({NAME})", "")
