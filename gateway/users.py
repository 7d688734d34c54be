"""User accounts: creation, passwords (argon2id) and look-ups in the gateway database."""

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from eventlet import tpool
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from gateway.models import roles, users
from gateway.security import MAX_PASSWORD_LENGTH, password_problems
from piiri.errors import Conflict, ValidationFailed, coded


class OffLoopHasher(PasswordHasher):
    """argon2id (the library's recommended parameters) whose hash and verify run in eventlet's thread pool:
    each is ~50 ms of CPU that, in the request greenlet, would stall every other request of the gateway
    (issue 12 item 2). argon2-cffi releases the GIL while it works."""

    def hash(self, password, *, salt=None):
        return tpool.execute(PasswordHasher.hash, self, password, salt=salt)

    def verify(self, hash, password):  # noqa: A002  (argon2's own parameter name)
        return tpool.execute(PasswordHasher.verify, self, hash, password)


HASHER = OffLoopHasher()
DUMMY_HASH = PasswordHasher().hash("piiri-timing-equaliser")
USERNAME = re.compile(r"^[A-Za-z0-9._@-]{2,150}$")


def check_password_strength(password, username=""):
    """The one password policy (S1, issue 12 item 7c; gateway/security.py): 12 to 1,024 characters, not
    blank, repeated or a sequence, not the username, not common."""
    problems = password_problems(password, username)
    if problems:
        raise ValidationFailed("acc.err.password_rejected", {"password": list(problems.values())})


def role_codes(session):
    """The codes of every role (built-in and admins' own), sorted."""
    return session.execute(select(roles.c.code).order_by(roles.c.code)).scalars().all()


def role_error(session, role):
    """None if ``role`` names a role, else the error entry (piiri.errors.coded) for the ``role`` field."""
    codes = role_codes(session)
    return None if role in codes else coded("admin.err.one_of", codes=", ".join(codes))


def create_user(session, username, password, role="staff", display_name=None, language="fi", commit=True):
    """Create an active user; Conflict if the username is taken. The caller's transaction is committed
    (unless ``commit`` is false: then the caller commits, e.g. after auditing)."""
    errors = {}
    if not USERNAME.match(username or ""):
        errors["username"] = ["admin.err.username"]
    if language not in ("fi", "sv", "en"):
        errors["language"] = [coded("admin.err.one_of", codes="fi, sv, en")]
    bad_role = role_error(session, role)
    if bad_role:
        errors["role"] = [bad_role]
    problems = password_problems(password, username)
    if problems:  # with the other fields' problems: every mistake of the form at once (issue 13 item 9)
        errors["password"] = list(problems.values())
    if errors:
        raise ValidationFailed(
            "admin.err.invalid" if set(errors) - {"password"} else "acc.err.password_rejected", errors
        )
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
        if commit:
            session.commit()
        else:
            session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict("admin.err.username_taken", {"username": ["admin.err.taken"]}) from None
    return dict(row._mapping)


def set_password(session, username, password):
    check_password_strength(password, username)
    result = session.execute(
        update(users)
        .where(users.c.username == username)
        .values(password_hash=HASHER.hash(password), password_changed_at=func.now())
    )
    session.commit()
    return result.rowcount == 1


def set_role(session, username, role, active=True):
    """Give an existing user ``role`` (and (de)activate them); False if there is no such user."""
    bad_role = role_error(session, role)
    if bad_role:
        raise ValidationFailed("admin.err.invalid", {"role": [bad_role]})
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
    if isinstance(password, str) and len(password) > MAX_PASSWORD_LENGTH:
        password = ""  # never the password (the policy): the same work without hashing 100,000 characters
    try:
        HASHER.verify(stored, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if row is None or not row.active:
        return None
    if HASHER.check_needs_rehash(stored):
        session.execute(update(users).where(users.c.id == row.id).values(password_hash=HASHER.hash(password)))
    return dict(row._mapping)
