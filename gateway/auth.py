"""Sessions, API tokens, CSRF tokens and login throttling (all secrets stored only as SHA-256)."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, insert, select

from gateway.models import login_failures, sessions, users
from gateway.roles import permissions_for
from gateway.users import verify_credentials
from piiri.context import Actor
from piiri.errors import NotAuthenticated, TooManyAttempts

SESSION_COOKIE = "piiri_session"
LOGIN_CSRF_COOKIE = "piiri_login_csrf"
MAX_FAILURES_PER_ADDRESS = 50
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
    kind: str  # web | api
    csrf_token: str
    token_hash: str

    @property
    def actor(self):
        role = self.user["role"]
        return Actor(
            id=str(self.user["id"]),
            username=self.user["username"],
            kind="user" if self.kind == "web" else "token",
            roles=(role,),
            permissions=permissions_for(role),
        )

    def can(self, permission):
        return permission in permissions_for(self.user["role"])


def check_throttle(session, username, remote_addr, settings):
    """Refuse a login attempt while the account or the address has too many recent failures."""
    window_start = datetime.now(UTC) - timedelta(minutes=settings["lock_minutes"])
    by_user = session.execute(
        select(func.count())
        .select_from(login_failures)
        .where(login_failures.c.username == username, login_failures.c.failed_at > window_start)
    ).scalar_one()
    by_addr = session.execute(
        select(func.count())
        .select_from(login_failures)
        .where(login_failures.c.remote_addr == remote_addr, login_failures.c.failed_at > window_start)
    ).scalar_one()
    if by_user >= settings["max_failures"] or by_addr >= MAX_FAILURES_PER_ADDRESS:
        minutes = settings["lock_minutes"]
        raise TooManyAttempts(
            f"Too many failed logins. Wait {minutes} minutes and try again.", {"retry_after_minutes": minutes}
        )


def login(session, username, password, remote_addr, kind, settings):
    """Check credentials and open a fresh session (never reusing an old id: no fixation).

    Returns (secret, Principal). Wrong credentials raise NotAuthenticated; too many, TooManyAttempts.
    """
    username = (username or "").strip()
    check_throttle(session, username, remote_addr, settings)
    user = verify_credentials(session, username, password)
    if user is None:
        session.execute(insert(login_failures).values(username=username, remote_addr=remote_addr))
        session.commit()
        raise NotAuthenticated("Wrong username or password.")
    session.execute(delete(login_failures).where(login_failures.c.username == username))
    secret = new_secret()
    hours = settings["session_hours"] if kind == "web" else API_TOKEN_HOURS
    csrf_token = new_secret()
    session.execute(
        insert(sessions).values(
            token_hash=digest(secret),
            user_id=user["id"],
            kind=kind,
            csrf_token=csrf_token,
            expires_at=datetime.now(UTC) + timedelta(hours=hours),
        )
    )
    session.commit()
    return secret, Principal(user=user, kind=kind, csrf_token=csrf_token, token_hash=digest(secret))


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
            users.c.active.is_(True),
        )
    ).first()
    if row is None:
        return None
    data = row._mapping
    user = {column.name: data[column] for column in users.c}
    return Principal(
        user=user, kind=kind, csrf_token=data[sessions.c.csrf_token], token_hash=data[sessions.c.token_hash]
    )


def logout(session, principal):
    session.execute(delete(sessions).where(sessions.c.token_hash == principal.token_hash))
    session.commit()


def require(principal):
    if principal is None:
        raise NotAuthenticated("Log in first, or send a valid bearer token.")
    return principal
