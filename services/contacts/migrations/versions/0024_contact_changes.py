"""A contact's field changes, old and new value (issue 13 item 5): ``contact_changes``.

Revision ID: 0024
Revises: 0023

Written in the transaction of each change of a contact's fields (update_contact); read newest first per
contact by ``contact_changes_contact`` (contact_id, id); deleted with the contact (erasure, delete, merge).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "contact_changes",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("contact_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("actor_username", sa.String(length=150), nullable=True),
        sa.Column("field", sa.Text(), nullable=False),
        sa.Column("old_value", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("new_value", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("contact_changes_contact", "contact_changes", ["contact_id", "id"])


def downgrade():
    op.drop_index("contact_changes_contact", table_name="contact_changes")
    op.drop_table("contact_changes")
