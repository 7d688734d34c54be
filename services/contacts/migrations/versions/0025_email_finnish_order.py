"""The contact list sorted by e-mail in Finnish order (issue 13 item 4, C1): a keyset index like the city's.

Revision ID: 0025
Revises: 0024

The list's sortable columns are name, e-mail, city and birth date (and, in advanced search, created and
changed). E-mail sorts as ``lower(email COLLATE "fi-x-icu")`` (the collation of the name order, 0019, and
the city's, 0022), so a page of the list sorted by e-mail is one range of ``contacts_sort_email``.
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("contacts_sort_email", "contacts", [sa.text('lower(email COLLATE "fi-x-icu")'), "id"])


def downgrade():
    op.drop_index("contacts_sort_email", table_name="contacts")
