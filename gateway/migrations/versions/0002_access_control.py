"""Access control (C6, S1): roles as data, user groups with data scopes, API tokens, lock-out, TOTP.

Revision ID: 0002
Revises: 0001

- ``roles``: a code, Finnish and English labels and the permissions it grants; the built-in roles are
  inserted here (``builtin``: they cannot be removed; their permissions follow gateway/roles.py).
  ``users.role`` references a role.
- ``user_groups`` with members; a group may grant a role to its members, and ``user_group_scopes``
  limits its members to the contacts of some contact groups (with their subgroups): a user in any
  limited group sees only the union of the limited groups' contact groups.
- ``api_tokens``: tokens for other systems, created by an admin, scoped to permissions (and optionally
  to contact groups), stored as a SHA-256, revocable.
- users: ``failed_logins`` and ``locked_until`` (lock-out), ``must_change_password`` (admin reset),
  ``totp_secret`` / ``totp_enabled_at`` / ``totp_last_step`` (optional two-factor login, no code reuse).
- sessions: ``second_factor_pending``: a password-only session that may do nothing but finish TOTP.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UUID = postgresql.UUID(as_uuid=True)
ALL = [
    "contacts.view",
    "contacts.edit",
    "contacts.delete",
    "contacts.export",
    "contacts.import",
    "mail.send",
    "invoices.manage",
    "groups.manage",
    "fields.manage",
    "automations.manage",
    "users.manage",
    "audit.view",
    "gdpr.officer",
]
BUILTIN_ROLES = [
    ("admin", "Pääkäyttäjä", "Administrator", ALL),
    (
        "staff",
        "Toimisto",
        "Staff",
        ["contacts.view", "contacts.edit", "contacts.export", "contacts.import", "audit.view"],
    ),
    ("read_only", "Lukuoikeus", "Read-only", ["contacts.view"]),
    ("mailer", "Viestijä", "Mailer", ["contacts.view", "contacts.export", "mail.send"]),
    (
        "treasurer",
        "Taloudenhoitaja",
        "Treasurer",
        ["contacts.view", "contacts.edit", "contacts.export", "invoices.manage"],
    ),
    (
        "dpo",
        "Tietosuojavastaava",
        "Data protection officer",
        ["contacts.view", "contacts.export", "audit.view", "gdpr.officer"],
    ),
]


def upgrade():
    roles = op.create_table(
        "roles",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("label_fi", sa.String(100), nullable=False),
        sa.Column("label_en", sa.String(100), nullable=False),
        sa.Column(
            "permissions", postgresql.ARRAY(sa.String(40)), nullable=False, server_default=sa.text("'{}'")
        ),
        sa.Column("builtin", sa.Boolean, nullable=False, server_default=sa.text("false")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("code ~ '^[a-z][a-z0-9_]{1,39}$'", name="roles_code"),
    )
    op.bulk_insert(
        roles,
        [
            {"code": code, "label_fi": fi, "label_en": en, "permissions": permissions, "builtin": True}
            for code, fi, en, permissions in BUILTIN_ROLES
        ],
    )
    op.create_foreign_key("users_role", "users", "roles", ["role"], ["code"])
    op.add_column("users", sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"))
    op.add_column("users", sa.Column("locked_until", sa.DateTime(timezone=True)))
    op.add_column(
        "users",
        sa.Column("must_change_password", sa.Boolean, nullable=False, server_default=sa.text("false")),
    )
    op.add_column("users", sa.Column("totp_secret", sa.String(64)))
    op.add_column("users", sa.Column("totp_enabled_at", sa.DateTime(timezone=True)))
    op.add_column("users", sa.Column("totp_last_step", sa.BigInteger))
    op.add_column(
        "sessions",
        sa.Column("second_factor_pending", sa.Boolean, nullable=False, server_default=sa.text("false")),
    )

    op.create_table(
        "user_groups",
        sa.Column("id", UUID, primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("name", sa.String(150), nullable=False, unique=True),
        sa.Column("description", sa.Text),
        sa.Column("role", sa.String(40), sa.ForeignKey("roles.code")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "user_group_members",
        sa.Column(
            "user_group_id", UUID, sa.ForeignKey("user_groups.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("user_id", UUID, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_index("user_group_members_user", "user_group_members", ["user_id"])
    # Contact groups live in the contacts service: no foreign key across databases.
    op.create_table(
        "user_group_scopes",
        sa.Column(
            "user_group_id", UUID, sa.ForeignKey("user_groups.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("contact_group_id", UUID, primary_key=True),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", UUID, primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("name", sa.String(150), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("permissions", postgresql.ARRAY(sa.String(40)), nullable=False),
        sa.Column(
            "contact_group_ids", postgresql.ARRAY(UUID), nullable=False, server_default=sa.text("'{}'")
        ),
        sa.Column("created_by", UUID, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("expires_at", sa.DateTime(timezone=True)),
        sa.Column("last_used_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
    )


def downgrade():
    op.drop_table("api_tokens")
    op.drop_table("user_group_scopes")
    op.drop_index("user_group_members_user", table_name="user_group_members")
    op.drop_table("user_group_members")
    op.drop_table("user_groups")
    op.drop_column("sessions", "second_factor_pending")
    for name in ("totp_last_step", "totp_enabled_at", "totp_secret", "must_change_password", "locked_until"):
        op.drop_column("users", name)
    op.drop_column("users", "failed_logins")
    op.drop_constraint("users_role", "users", type_="foreignkey")
    op.drop_table("roles")
