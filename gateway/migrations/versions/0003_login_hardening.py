"""Login hardening (issue 12 item 7): a pending two-factor session remembers whether its password was right.

Revision ID: 0003
Revises: 0002

- sessions: ``password_ok``: a web login of a two-factor account always goes on to the code page, and
  only the code step tells whether the password and the code were both right (false: the password was
  wrong, so no code will do). A login never confirms a right password before its code.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "sessions", sa.Column("password_ok", sa.Boolean(), nullable=False, server_default=sa.true())
    )


def downgrade():
    op.drop_column("sessions", "password_ok")
