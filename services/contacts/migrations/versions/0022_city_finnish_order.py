"""Advanced search sorted by city in Finnish order (C4, issue 13 item 3): Åbo and Äänekoski after Zürich.

Revision ID: 0022
Revises: 0021

The sort key was ``piiri_norm(city)`` (unaccented: Åbo sorted as 'abo' among the A's); it becomes
``lower(city COLLATE "fi-x-icu")`` (of that collation), as the name order (0019), and its keyset
index with it (the collation inside the expression, where reflection sees it). Cursors hold
the key's text and are compared in the same collation.
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("contacts_sort_city", table_name="contacts")
    op.create_index("contacts_sort_city", "contacts", [sa.text('lower(city COLLATE "fi-x-icu")'), "id"])


def downgrade():
    op.drop_index("contacts_sort_city", table_name="contacts")
    op.create_index("contacts_sort_city", "contacts", [sa.text("piiri_norm(city)"), "id"])
