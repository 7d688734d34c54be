"""Advanced search (C4): btree indexes for keyset paging of sorted contact lists.

Revision ID: 0010
Revises: 0009

(created_at, id), (updated_at, id), (birth_date, id) and (piiri_norm(city), id): a page of a list
sorted by any of them, at any depth, is one index range scan (services/contacts/advanced_search).
The partial contacts_birth_date index of 0006 covers living persons only, so it cannot serve these.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("contacts_sort_created", "contacts", ["created_at", "id"])
    op.create_index("contacts_sort_updated", "contacts", ["updated_at", "id"])
    op.create_index("contacts_sort_birth", "contacts", ["birth_date", "id"])
    op.create_index("contacts_sort_city", "contacts", [sa.text("piiri_norm(city)"), "id"])


def downgrade():
    op.drop_index("contacts_sort_city", table_name="contacts")
    op.drop_index("contacts_sort_birth", table_name="contacts")
    op.drop_index("contacts_sort_updated", table_name="contacts")
    op.drop_index("contacts_sort_created", table_name="contacts")
