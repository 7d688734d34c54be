"""Sessions, API tokens, CSRF tokens and the login (all secrets stored only as SHA-256); the login's
throttling and lock-out rules are in gateway/accounts.py and gateway/security.py."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select

from gateway import accounts
from gateway.models import sessions, users
from gateway.roles import NO_ACCESS, Access, access_for_user
from gateway.security import LockoutPolicy
from piiri.context import Actor
from piiri.errors import NotAuthenticated, PasswordChangeRequired

SESSION_COOKIE = "piiri_session"
LOGIN_CSRF_COOKIE = "piiri_login_csrf"
API_TOKEN_HOURS = 24 * 30


def new_secret():
    return secrets.token_urlsafe(32)


def digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def same_secret(given, expected):
    return bool(given) and bool(expected) and hmac.compare_digest(str(given), str(expected))


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: the user, how they authenticated, and their session's CSRF token."""

    user: dict
    kind: str  # web | api (a user's login token) | token (an API token for another system)
    csrf_token: str
    token_hash: str
    # Permissions and data scope (C6), read once when the request's Principal is made (gateway/roles.py).
    access: Access = NO_ACCESS
    # When the session or token runs out (None: never); a cached Principal is not used after it.
    expires_at: datetime | None = None

    @property
    def actor(self):
        return Actor(
            id=str(self.user["id"]),
            username=self.user["username"],
            kind="user" if self.kind == "web" else "token",
            roles=self.access.roles,
            permissions=self.access.permissions,
            scoped=self.access.scoped,
            scope_group_ids=self.access.scope_group_ids,
        )

    def can(self, permission):
        return self.access.can(permission)


def login(session, username, password, remote_addr, kind, settings, totp=None, audit=None):
    """Check credentials and open a fresh session (never reusing an old id: no fixation).

    ``remote_addr`` is the client's address (gateway/proxies.py). Returns (secret, Principal). A web
    login of a TOTP user opens a session that waits for the code (second_factor_pending), also after a
    wrong password (the code step then fails); an API login of one needs ``totp``. Wrong credentials
    (password or code alike) raise NotAuthenticated; a locked (username, address) pair
    AccountLocked; too many failures from one address TooManyAttempts; an API login that must first
    change its password PasswordChangeRequired.
    """
    username = (username or "").strip()
    audit = audit or (lambda action, user, details: None)
    policy = LockoutPolicy.from_settings(settings)
    accounts.refuse_if_throttled(session, remote_addr, accounts.now_utc(), policy)
    checked = accounts.check_login(
        session, username, password, totp, remote_addr, policy, audit, web=kind == "web"
    )
    user = checked.user
    if kind == "api" and user["must_change_password"]:
        accounts.reset_failures(session, user, remote_addr)
        session.commit()  # the credentials were right (and a TOTP code, if any, is used up)
        raise PasswordChangeRequired(
            "An administrator reset this password: log in to the web UI and choose a new one first.",
            {"username": username},
        )
    if not checked.pending:
        accounts.reset_failures(session, user, remote_addr)
    secret, csrf_token = accounts.open_session(
        session, user, kind, _hours(kind, settings), checked.pending, checked.password_ok
    )
    session.commit()
    return secret, Principal(user=user, kind=kind, csrf_token=csrf_token, token_hash=digest(secret))


def _hours(kind, settings):
    return settings["session_hours"] if kind == "web" else API_TOKEN_HOURS


def principal_for(session, secret, kind):
    """The Principal a session cookie or bearer token stands for, or None if unknown or expired."""
    if not secret:
        return None
    row = session.execute(
        select(sessions, users)
        .join(users, users.c.id == sessions.c.user_id)
        .where(
            sessions.c.token_hash == digest(secret),
            sessions.c.kind == kind,
            sessions.c.expires_at > func.now(),
            sessions.c.second_factor_pending.is_(False),  # half-logged-in: only the TOTP page takes it
            users.c.active.is_(True),
        )
    ).first()
    if row is None:
        return None
    data = row._mapping
    user = {column.name: data[column] for column in users.c}
    return Principal(
        user=user,
        kind=kind,
        csrf_token=data[sessions.c.csrf_token],
        token_hash=data[sessions.c.token_hash],
        access=access_for_user(session, user["id"], user["role"]),
        expires_at=data[sessions.c.expires_at],
    )


def logout(session, principal):
    session.execute(delete(sessions).where(sessions.c.token_hash == principal.token_hash))
    session.commit()


def require(principal):
    if principal is None:
        raise NotAuthenticated("Log in first, or send a valid bearer token.")
    return principal
