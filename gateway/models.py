"""Tables of the gateway database: users, roles, user groups and their data scopes, sessions, API tokens,
failed logins."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, UUID

metadata = MetaData()

# Built-in roles are inserted by migration 0002 (builtin = true); admins add their own.
roles = Table(
    "roles",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("label_fi", String(100), nullable=False),
    Column("label_en", String(100), nullable=False),
    Column("permissions", ARRAY(String(40)), nullable=False, server_default=text("'{}'")),
    Column("builtin", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("code ~ '^[a-z][a-z0-9_]{1,39}$'", name="roles_code"),
)

users = Table(
    "users",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("username", String(150), nullable=False, unique=True),
    Column("display_name", String(200)),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(30), ForeignKey("roles.code", name="users_role"), nullable=False),
    Column("language", String(2), nullable=False, server_default="fi"),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("password_changed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # Lock-out after repeated failures (S1).
    Column("failed_logins", Integer, nullable=False, server_default="0"),
    Column("locked_until", DateTime(timezone=True)),
    # Set by an admin's password reset: the next login must choose a new password.
    Column("must_change_password", Boolean, nullable=False, server_default=text("false")),
    # Optional TOTP two-factor login; the last accepted time step, so that a code is never reused.
    # Encrypted at rest (gateway/secret_box.py): "fernet:<token>".
    Column("totp_secret", Text),
    Column("totp_enabled_at", DateTime(timezone=True)),
    Column("totp_last_step", BigInteger),
)

# A row per logged-in browser or issued API token; only a SHA-256 of the secret is stored.
sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # Password given, TOTP code still due: such a session can only finish the second factor.
    Column("second_factor_pending", Boolean, nullable=False, server_default=text("false")),
    # A pending session of a wrong password (issue 12 item 7f): its code step fails like a wrong code.
    Column("password_ok", Boolean, nullable=False, server_default=text("true")),
    Index("sessions_user", "user_id"),
)

user_groups = Table(
    "user_groups",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("name", String(150), nullable=False, unique=True),
    Column("description", Text),
    # A role the group grants its members on top of their own.
    Column("role", String(40), ForeignKey("roles.code")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

user_group_members = Table(
    "user_group_members",
    metadata,
    Column(
        "user_group_id",
        UUID(as_uuid=True),
        ForeignKey("user_groups.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("user_id", UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Index("user_group_members_user", "user_id"),
)

# A group with scopes limits its members to those contact groups' contacts (with subgroups). Contact
# groups live in the contacts service: no foreign key across databases.
user_group_scopes = Table(
    "user_group_scopes",
    metadata,
    Column(
        "user_group_id",
        UUID(as_uuid=True),
        ForeignKey("user_groups.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("contact_group_id", UUID(as_uuid=True), primary_key=True),
)

# Tokens for other systems: only a SHA-256 of the secret is stored; shown once at creation.
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("name", String(150), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("permissions", ARRAY(String(40)), nullable=False),
    Column("contact_group_ids", ARRAY(UUID(as_uuid=True)), nullable=False, server_default=text("'{}'")),
    Column("created_by", UUID(as_uuid=True), ForeignKey("users.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("expires_at", DateTime(timezone=True)),
    Column("last_used_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
)

login_failures = Table(
    "login_failures",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("username", String(150), nullable=False),
    Column("remote_addr", String(64), nullable=False),
    Column("failed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("login_failures_username", "username", "failed_at"),
    Index("login_failures_addr", "remote_addr", "failed_at"),
)
