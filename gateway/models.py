"""Tables of the gateway database: users, sessions (web and API tokens) and failed logins."""

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, MetaData, String, Table, func, text
from sqlalchemy.dialects.postgresql import UUID

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("username", String(150), nullable=False, unique=True),
    Column("display_name", String(200)),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(30), nullable=False),
    Column("language", String(2), nullable=False, server_default="fi"),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("password_changed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
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
    Index("sessions_user", "user_id"),
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
