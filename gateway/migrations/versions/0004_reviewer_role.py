"""The reviewer role (Q3): an outside expert who sees only the applications assigned to them in the
reviewer portal; it grants no registry permission at all, and the gateway requires two-factor login of
every user with it (gateway/core.py).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        sa.text(
            "INSERT INTO roles (code, label_fi, label_en, permissions, builtin) "
            "VALUES ('reviewer', 'Arvioija', 'Reviewer', '{}', true) ON CONFLICT (code) DO NOTHING"
        )
    )


def downgrade():
    op.execute(sa.text("UPDATE users SET role = 'read_only' WHERE role = 'reviewer'"))
    op.execute(sa.text("DELETE FROM roles WHERE code = 'reviewer'"))
