"""Saved searches, private to their owner or shared with everyone (C4).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

UUID = postgresql.UUID(as_uuid=True)


def upgrade():
    op.create_table(
        "saved_searches",
        sa.Column("id", UUID, primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("owner_id", sa.String(64), nullable=False),
        sa.Column("owner_name", sa.String(150), nullable=False),
        sa.Column("shared", sa.Boolean, nullable=False, server_default=sa.text("false")),
        sa.Column("query", sa.Text, nullable=False, server_default=""),
        sa.Column("filters", postgresql.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    # Names are unique per owner, ignoring case; the index also serves "the owner's searches".
    op.create_index(
        "saved_searches_owner_name",
        "saved_searches",
        ["owner_id", sa.text("lower(name)")],
        unique=True,
    )


def downgrade():
    op.drop_table("saved_searches")
