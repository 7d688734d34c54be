"""User accounts: creation, passwords (argon2id) and look-ups in the gateway database."""

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from gateway.models import users
from gateway.roles import ROLES
from piiri.errors import Conflict, ValidationFailed

HASHER = PasswordHasher()  # argon2id with the library's recommended parameters
DUMMY_HASH = HASHER.hash("piiri-timing-equaliser")
USERNAME = re.compile(r"^[A-Za-z0-9._@-]{2,150}$")
MIN_PASSWORD_LENGTH = 10


def check_password_strength(password):
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"The password must have at least {MIN_PASSWORD_LENGTH} characters.",
            {"password": [f"At least {MIN_PASSWORD_LENGTH} characters."]},
        )


def create_user(session, username, password, role="staff", display_name=None, language="fi"):
    """Create an active user; Conflict if the username is taken. The caller's transaction is committed."""
    errors = {}
    if not USERNAME.match(username or ""):
        errors["username"] = ["2-150 letters, digits or . _ @ -"]
    if role not in ROLES:
        errors["role"] = [f"One of: {', '.join(ROLES)}."]
    if errors:
        raise ValidationFailed("The user is not valid.", errors)
    check_password_strength(password)
    try:
        row = session.execute(
            insert(users)
            .values(
                username=username,
                password_hash=HASHER.hash(password),
                role=role,
                display_name=display_name or username,
                language=language,
            )
            .returning(users)
        ).one()
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(f"The username '{username}' is taken.", {"username": ["Taken."]}) from None
    return dict(row._mapping)


def set_password(session, username, password):
    check_password_strength(password)
    result = session.execute(
        update(users)
        .where(users.c.username == username)
        .values(password_hash=HASHER.hash(password), password_changed_at=func.now())
    )
    session.commit()
    return result.rowcount == 1


def set_role(session, username, role, active=True):
    """Give an existing user ``role`` (and (de)activate them); False if there is no such user."""
    if role not in ROLES:
        raise ValidationFailed("Unknown role.", {"role": [f"One of: {', '.join(ROLES)}."]})
    result = session.execute(
        update(users).where(users.c.username == username).values(role=role, active=active)
    )
    session.commit()
    return result.rowcount == 1


def get_user(session, user_id):
    row = session.execute(select(users).where(users.c.id == user_id)).first()
    return dict(row._mapping) if row else None


def verify_credentials(session, username, password):
    """The active user with this username and password, or None (same work either way)."""
    row = session.execute(select(users).where(users.c.username == username)).first()
    stored = row.password_hash if row else DUMMY_HASH
    try:
        HASHER.verify(stored, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if row is None or not row.active:
        return None
    if HASHER.check_needs_rehash(stored):
        session.execute(update(users).where(users.c.id == row.id).values(password_hash=HASHER.hash(password)))
    return dict(row._mapping)
