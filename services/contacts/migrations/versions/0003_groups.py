"""Groups as a tree of any depth and memberships with dates and a role (C7).

``path`` is the materialised path of ids ('/<root id>/…/<own id>/'), so "members including
subgroups" is one indexed prefix match.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

UUID = postgresql.UUID(as_uuid=True)


def upgrade():
    op.create_table(
        "groups",
        sa.Column("id", UUID, primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("parent_id", UUID, sa.ForeignKey("groups.id")),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("groups_path", "groups", ["path"], postgresql_ops={"path": "text_pattern_ops"})
    op.create_index("groups_parent", "groups", ["parent_id"])
    op.create_table(
        "memberships",
        sa.Column("id", UUID, primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("group_id", UUID, sa.ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
        sa.Column("contact_id", UUID, sa.ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.String(100)),
        sa.Column("starts_on", sa.Date, nullable=False, server_default=sa.text("CURRENT_DATE")),
        sa.Column("ends_on", sa.Date),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="memberships_dates"),
    )
    op.create_index("memberships_group", "memberships", ["group_id", "contact_id"])
    op.create_index("memberships_contact", "memberships", ["contact_id"])


def downgrade():
    op.drop_table("memberships")
    op.drop_table("groups")
