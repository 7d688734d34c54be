"""The subject ids compared byte by byte (issue 12 "audit at scale", issue 18).

Revision ID: 0005
Revises: 0004

``audit_events.subject_ids`` becomes ``text[] COLLATE "C"``. The ids are UUIDs and other machine keys:
the log only ever asks whether an array holds an id (``@>``, ``&&``), never for a language's order. Under
the database's collation (C.UTF-8 or a language's) every comparison that the GIN index on the column makes
goes through the C library's collation functions; under "C" it is a memcmp. Each record of a list page
puts 25 ids in that index, so this cut PostgreSQL's CPU per stored record by about a tenth
(bench/audit_bench.py: 164 -> 147 µs). Equality is the same under both collations, so every query gives
the same rows; a query's ids take the column's collation and still use the index.

The column's type does not change, so PostgreSQL keeps the rows and only builds the index again (on a
large log that takes a while: ~1 minute per few million records; run it in a quiet hour).
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.execute('ALTER TABLE audit_events ALTER COLUMN subject_ids TYPE text[] COLLATE "C"')


def downgrade():
    op.execute('ALTER TABLE audit_events ALTER COLUMN subject_ids TYPE text[] COLLATE "default"')
