"""Login hardening (issue 12 item 7): a pending two-factor session remembers whether its password was right.

Revision ID: 0003
Revises: 0002

- sessions: ``password_ok``: a web login of a two-factor account always goes on to the code page, and
  only the code step tells whether the password and the code were both right (false: the password was
  wrong, so no code will do). A login never confirms a right password before its code.
- users: ``totp_secret`` becomes text and every secret stored in plaintext is encrypted
  (``fernet:<token>``, gateway/secret_box.py) with the first of the keys the migration is run with
  (SECRET_KEYS / PIIRI_SECRET_KEYS). Downgrading decrypts them again (it needs a key that opens them).
"""

import sqlalchemy as sa
from alembic import context, op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _box():
    from gateway.secret_box import SecretBox, box, parse_keys

    configured = parse_keys((context.config.attributes.get("piiri_config") or {}).get("SECRET_KEYS"))
    return SecretBox(configured) if configured else box()


def _rewrite_secrets(change):
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL")
    ).all()
    for row in rows:
        new = change(row.totp_secret)
        if new != row.totp_secret:
            connection.execute(
                sa.text("UPDATE users SET totp_secret = :secret WHERE id = :id"),
                {"secret": new, "id": row.id},
            )


def upgrade():
    op.add_column(
        "sessions", sa.Column("password_ok", sa.Boolean(), nullable=False, server_default=sa.true())
    )
    op.alter_column("users", "totp_secret", type_=sa.Text(), existing_type=sa.String(64))
    box = _box()
    _rewrite_secrets(lambda stored: stored if stored.startswith("fernet:") else box.seal(stored))


def downgrade():
    box = _box()
    _rewrite_secrets(box.open)
    op.alter_column("users", "totp_secret", type_=sa.String(64), existing_type=sa.Text())
    op.drop_column("sessions", "password_ok")
