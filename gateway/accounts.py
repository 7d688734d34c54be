"""Account security in the gateway database (S1): lock-out, the login's TOTP code check, password change
and admin reset, and the session changes they cause (TOTP set-up: gateway/accounts_totp.py). The rules
come from gateway/security.py.

Functions that change security state take ``audit``: a callable ``audit(action, user, details)`` that the
gateway turns into an audit record (publishing before the change is committed, except for a lock caused by
an anonymous login attempt, which must happen even when the audit path is down).
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, insert, select, update

from gateway import secret_box, security
from gateway.models import login_failures, roles, sessions, users
from gateway.users import HASHER, verify_credentials
from piiri.errors import (
    AccountLocked,
    NotAuthenticated,
    NotFound,
    SecondFactorRequired,
    TooManyAttempts,
    ValidationFailed,
)

log = logging.getLogger(__name__)

PENDING_SESSION_MINUTES = 10


def now_utc():
    return datetime.now(UTC)


def lock_error(locked_until):
    return AccountLocked(
        f"The account is locked after too many failed logins until {locked_until:%Y-%m-%d %H:%M} UTC "
        "for logins from your address. Try again then, or ask an administrator to unlock it.",
        {"locked_until": locked_until.isoformat()},
    )


def user_by_name(session, username, for_update=False):
    query = select(users).where(users.c.username == username)
    row = session.execute(query.with_for_update() if for_update else query).first()
    return dict(row._mapping) if row else None


def user_by_id(session, user_id, for_update=False):
    """The users row with this id; NotFound for an unknown id or one that is no id at all."""
    try:
        user_id = uuid.UUID(str(user_id))
    except ValueError:
        row = None
    else:
        query = select(users).where(users.c.id == user_id)
        row = session.execute(query.with_for_update() if for_update else query).first()
    if row is None:
        raise NotFound(f"No user with id {user_id}.", {"id": str(user_id)})
    return dict(row._mapping)


def commit_audited(session, audit, action, user, details):
    """Publish the change's audit record, then commit; nothing changes if the record cannot be published."""
    try:
        audit(action, user, details)
    except BaseException:
        session.rollback()
        raise
    session.commit()


def password_matches(user, password):
    if not isinstance(password, str) or len(password) > security.MAX_PASSWORD_LENGTH:
        return False  # never hashed: the policy keeps every password within the limit
    try:
        return HASHER.verify(user["password_hash"], password or "")
    except (VerificationError, InvalidHashError):
        return False


def totp_secret_of(user):
    """The user's TOTP secret in plaintext (stored encrypted: gateway/secret_box.py); None when it cannot
    be decrypted (a missing key: logged, and every code is wrong until an admin resets TOTP)."""
    try:
        return secret_box.box().open(user.get("totp_secret"))
    except ValueError:
        log.error("the TOTP secret of user %s cannot be decrypted with the configured keys", user.get("id"))
        return None


def totp_enabled(user):
    return bool(user.get("totp_enabled_at")) and bool(user.get("totp_secret"))


# --- lock-out --------------------------------------------------------------------------------------
# Everything is computed from login_failures rows, so an unknown username locks exactly like a real
# one (lock messages do not reveal which names exist). users.locked_until only shows an admin the
# latest lock of any of the user's addresses.


def _failure_times(session, username, remote_addr, since):
    query = select(login_failures.c.failed_at).where(
        login_failures.c.username == username, login_failures.c.failed_at > since
    )
    if remote_addr is not None:
        query = query.where(login_failures.c.remote_addr == remote_addr)
    return session.execute(query).scalars().all()


def _count_failures(session, condition, since):
    return session.execute(
        select(func.count()).select_from(login_failures).where(condition, login_failures.c.failed_at > since)
    ).scalar_one()


def current_lock(session, username, remote_addr, now, policy):
    """The end of the (username, address) pair's lock, or None."""
    since = policy.history_start(now)
    attacked = security.under_attack(
        _count_failures(session, login_failures.c.username == username, since), policy
    )
    return security.pair_lock(_failure_times(session, username, remote_addr, since), now, policy, attacked)


def refuse_if_throttled(session, remote_addr, now, policy):
    """TooManyAttempts while one address has failed too often across usernames (password spraying)."""
    since = now - timedelta(minutes=policy.lock_minutes)
    if security.address_throttled(
        _count_failures(session, login_failures.c.remote_addr == remote_addr, since), policy
    ):
        raise TooManyAttempts(
            f"Too many failed logins. Wait {policy.lock_minutes} minutes and try again.",
            {"retry_after_minutes": policy.lock_minutes},
        )


def refuse_if_locked(session, username, remote_addr, now, policy):
    """Raise AccountLocked while the (username, address) pair is locked."""
    locked_until = current_lock(session, username, remote_addr, now, policy)
    if locked_until is not None:
        raise lock_error(locked_until)


def record_failure(session, username, user, remote_addr, now, policy, audit, announce=True):
    """Count a failed password or code of the (username, address) pair; raise AccountLocked when this
    failure locks the pair (unless ``announce`` is false: a two-factor login tells at its code step).
    Commits: the failure counts even when the request fails afterwards."""
    session.execute(insert(login_failures).values(username=username, remote_addr=remote_addr, failed_at=now))
    # Everybody's failures past the history the throttle reads, not only this username's: a username
    # typed once (anyone's e-mail address, an erased person's too) is kept a day, not for ever (issue 19).
    session.execute(delete(login_failures).where(login_failures.c.failed_at <= policy.history_start(now)))
    locked_until = current_lock(session, username, remote_addr, now, policy)
    if user is not None:
        values = {"failed_logins": users.c.failed_logins + 1}
        if locked_until is not None:
            values["locked_until"] = func.greatest(
                func.coalesce(users.c.locked_until, locked_until), locked_until
            )
        session.execute(update(users).where(users.c.id == user["id"]).values(**values))
    session.commit()
    if locked_until is None:
        return
    if user is not None:
        try:
            audit("user.locked", user, {"remote_addr": remote_addr, "locked_until": locked_until.isoformat()})
        except Exception:  # the lock stands even when it cannot be recorded
            log.error("could not audit the lock of user %s", user["id"], exc_info=True)
    if announce:
        raise lock_error(locked_until)


def reset_failures(session, user, remote_addr=None):
    """After a success: forget the failures of this user's pair with ``remote_addr`` (all of the user's
    failures when None); the caller commits."""
    query = delete(login_failures).where(login_failures.c.username == user["username"])
    if remote_addr is not None:
        query = query.where(login_failures.c.remote_addr == remote_addr)
    session.execute(query)
    remaining = session.execute(
        select(func.count()).select_from(login_failures).where(login_failures.c.username == user["username"])
    ).scalar_one()
    values = {"failed_logins": remaining}
    if remaining == 0:
        values["locked_until"] = None
    session.execute(update(users).where(users.c.id == user["id"]).values(**values))


WRONG_LOGIN = "Wrong username or password, or a missing or wrong two-factor code ('totp')."
WRONG_CODE_STEP = "Wrong password or code. Log in again."


def check_password(session, username, password, remote_addr, policy, audit, now=None):
    """The user whose password this is; AccountLocked while the (username, address) pair is locked
    (before looking at the password, so a lock never tells whether it was right); NotAuthenticated (or
    AccountLocked, on the try that locks) if wrong."""
    now = now or now_utc()
    user = user_by_name(session, username)
    refuse_if_locked(session, username, remote_addr, now, policy)
    verified = verify_credentials(session, username, password)
    if verified is None:
        record_failure(session, username, user, remote_addr, now, policy, audit)
        raise NotAuthenticated(WRONG_LOGIN)
    return verified


@dataclass(frozen=True)
class LoginCheck:
    """What a login's credentials gave: the user, and for a web login of a two-factor account
    ``pending`` (the code step comes next) with ``password_ok`` (told only after the code)."""

    user: dict
    pending: bool = False
    password_ok: bool = True


def check_login(session, username, password, code, remote_addr, policy, audit, web, now=None):
    """Check a login's password and, for a two-factor account, its code together (issue 12 item 7f).

    A wrong password and a wrong (missing, reused) code give the same NotAuthenticated, so a right
    password is never confirmed without its code. A web login of a two-factor account goes on to the
    code page whether or not the password was right (a wrong one counts as a failure now, and the code
    step fails); the API takes the code in the same request."""
    now = now or now_utc()
    account = user_by_name(session, username)
    if account is None or not account["active"] or not totp_enabled(account):
        return LoginCheck(check_password(session, username, password, remote_addr, policy, audit, now))
    refuse_if_locked(session, username, remote_addr, now, policy)
    verified = verify_credentials(session, username, password)
    if web:
        if verified is None:
            record_failure(session, username, account, remote_addr, now, policy, audit, announce=False)
        return LoginCheck(verified or account, pending=True, password_ok=verified is not None)
    if verified is None or not accept_code(session, verified, code, now).ok:
        session.rollback()
        record_failure(session, username, account, remote_addr, now, policy, audit)
        raise NotAuthenticated(WRONG_LOGIN)
    return LoginCheck(verified)


def accept_code(session, user, code, now):
    """Check ``code`` against the user's TOTP secret and use up its time step (never accepted twice, even
    by two requests at once). Returns the CodeCheck; the caller commits."""
    current = session.execute(select(users.c.totp_last_step).where(users.c.id == user["id"])).scalar_one()
    result = security.check_code(totp_secret_of(user), code, now, current)
    if not result.ok:
        return result
    values = {"totp_last_step": result.step}
    if secret_box.box().needs_reseal(user["totp_secret"]):  # plaintext, or an old key: the first key now
        values["totp_secret"] = secret_box.box().seal(totp_secret_of(user))
    updated = session.execute(
        update(users)
        .where(users.c.id == user["id"])
        .where((users.c.totp_last_step.is_(None)) | (users.c.totp_last_step < result.step))
        .values(**values)
    )
    if updated.rowcount != 1:  # a parallel request used the same code first
        return security.CodeCheck(reason="reused")
    return result


def unlock(session, user_id, audit):
    """Admin: end a lock and restart the failure count. Audited, then committed."""
    user = user_by_id(session, user_id, for_update=True)
    was_locked = security.is_locked(user["locked_until"], now_utc())
    session.execute(update(users).where(users.c.id == user["id"]).values(failed_logins=0, locked_until=None))
    session.execute(delete(login_failures).where(login_failures.c.username == user["username"]))
    commit_audited(session, audit, "user.unlocked", user, {"was_locked": was_locked})
    return {
        "id": str(user["id"]),
        "username": user["username"],
        "locked_until": None,
        "was_locked": was_locked,
    }


# --- sessions --------------------------------------------------------------------------------------


def open_session(session, user, kind, hours, pending=False, password_ok=True):
    """A new session row with a fresh random id (never one the browser brought: no fixation).

    Returns (secret, csrf_token); the caller commits."""
    from gateway.auth import digest, new_secret

    secret, csrf_token = new_secret(), new_secret()
    lifetime = timedelta(minutes=PENDING_SESSION_MINUTES) if pending else timedelta(hours=hours)
    session.execute(
        insert(sessions).values(
            token_hash=digest(secret),
            user_id=user["id"],
            kind=kind,
            csrf_token=csrf_token,
            expires_at=now_utc() + lifetime,
            second_factor_pending=pending,
            password_ok=password_ok,
        )
    )
    return secret, csrf_token


def end_sessions(session, user_id, keep_hash=None):
    """End every session and login token of a user (but ``keep_hash``); the caller commits."""
    query = delete(sessions).where(sessions.c.user_id == user_id)
    if keep_hash:
        query = query.where(sessions.c.token_hash != keep_hash)
    return session.execute(query).rowcount


def pending_user(session, secret):
    """The user of a password-only session waiting for its TOTP code, or None."""
    from gateway.auth import digest

    if not secret:
        return None
    row = session.execute(
        select(
            users, sessions.c.token_hash, sessions.c.password_ok, sessions.c.csrf_token.label("session_csrf")
        )
        .join(sessions, sessions.c.user_id == users.c.id)
        .where(
            sessions.c.token_hash == digest(secret),
            sessions.c.second_factor_pending.is_(True),
            sessions.c.expires_at > func.now(),
            users.c.active.is_(True),
        )
    ).first()
    return dict(row._mapping) if row else None


def finish_second_factor(session, secret, code, remote_addr, policy, hours, audit):
    """The code step of a web login: on a right password and code, replace the pending session with a
    full one (new id). Returns (new secret, user).

    A malformed code (not 6 digits) may be typed again (SecondFactorRequired). Otherwise the pending
    session ends either way, and a wrong password, a wrong code and a used code all give the same
    NotAuthenticated (AccountLocked once the pair is locked), so the password is confirmed only with
    its code (issue 12 item 7f)."""
    now = now_utc()
    user = pending_user(session, secret)
    if user is None:
        raise NotAuthenticated("The login has expired. Log in again.")
    if security.normalise_code(code) is None:
        raise SecondFactorRequired(
            "acc.err.code_format", {"totp": ["acc.err.code_format"], "reason": "malformed"}
        )
    session.execute(delete(sessions).where(sessions.c.token_hash == user["token_hash"]))
    session.commit()
    refuse_if_locked(session, user["username"], remote_addr, now, policy)
    if not user["password_ok"]:  # counted as a failure at the password already
        raise NotAuthenticated(WRONG_CODE_STEP)
    if not accept_code(session, user, code, now).ok:
        session.rollback()
        record_failure(session, user["username"], user, remote_addr, now, policy, audit)
        raise NotAuthenticated(WRONG_CODE_STEP)
    reset_failures(session, user, remote_addr)
    new, _ = open_session(session, user, "web", hours)
    session.commit()
    return new, user


# --- passwords -------------------------------------------------------------------------------------


def new_password_errors(password, repeated, username):
    """{field: [codes]} of a new password and its repetition: every problem at once (issue 13 item 9): the
    policy's, and a repetition that differs."""
    errors = {}
    problems = security.password_problems(password, username)
    if problems:
        errors["new_password"] = list(problems.values())
    if repeated is not None and password != repeated:
        errors["new_password_again"] = ["acc.err.mismatch"]
    return errors


def check_new_password(password, repeated, username):
    """Raise ValidationFailed naming the fields if the new password breaks the policy."""
    errors = new_password_errors(password, repeated, username)
    if errors:
        raise ValidationFailed("acc.err.password_rejected", errors)


def change_password(
    session, user_id, current, new, repeated, hours, audit, keep_kind="web", remote_addr="-", policy=None
):
    """The user changes their own password: the current one is checked, the new one must pass the policy.

    A wrong current password counts like a failed login of the (username, ``remote_addr``) pair, and a
    locked pair gets AccountLocked before the password is looked at (issue 12 item 7d): a stolen
    session cannot be used to guess the password. Every other session and login token of the user
    ends; returns a new session secret (new id) of ``keep_kind`` for the caller, or None with
    ``keep_kind`` None."""
    policy = policy or security.LockoutPolicy()
    now = now_utc()
    user = user_by_id(session, user_id, for_update=True)
    if isinstance(new, str) and len(new) > security.MAX_PASSWORD_LENGTH:  # refused before any hashing
        session.rollback()
        check_new_password(new, repeated, user["username"])
    try:
        refuse_if_locked(session, user["username"], remote_addr, now, policy)
    except AccountLocked:
        session.rollback()
        raise
    if not password_matches(user, current):
        session.rollback()
        record_failure(session, user["username"], user, remote_addr, now, policy, audit)
        # the new password's own problems too (they tell nothing of the current one): all at once
        errors = {"current_password": ["acc.err.current_wrong"]}
        errors.update(new_password_errors(new, repeated, user["username"]))
        raise ValidationFailed("acc.err.current_wrong", errors) from None
    try:
        check_new_password(new, repeated, user["username"])
    except ValidationFailed:
        session.rollback()
        raise
    if password_matches(user, new):
        session.rollback()
        raise ValidationFailed("acc.err.same", {"new_password": ["acc.err.same"]})
    session.execute(
        update(users)
        .where(users.c.id == user["id"])
        .values(password_hash=HASHER.hash(new), password_changed_at=func.now(), must_change_password=False)
    )
    ended = end_sessions(session, user["id"])
    secret = open_session(session, user, keep_kind, hours)[0] if keep_kind else None
    commit_audited(session, audit, "user.password_changed", user, {"sessions_ended": ended})
    return secret


def reset_password(session, user_id, audit):
    """Admin: a one-time temporary password (returned once, stored only as argon2id), which the user must
    change at the next login; every session and login token of the user ends."""
    user = user_by_id(session, user_id, for_update=True)
    temporary = security.temporary_password()
    session.execute(
        update(users)
        .where(users.c.id == user["id"])
        .values(
            password_hash=HASHER.hash(temporary),
            password_changed_at=func.now(),
            must_change_password=True,
            failed_logins=0,
            locked_until=None,
        )
    )
    session.execute(delete(login_failures).where(login_failures.c.username == user["username"]))
    ended = end_sessions(session, user["id"])
    commit_audited(session, audit, "user.password_reset", user, {"sessions_ended": ended})
    return {
        "id": str(user["id"]),
        "username": user["username"],
        "temporary_password": temporary,
        "must_change_password": True,
    }


def role_label(session, code, language):
    """The role's name in ``language`` (its code if the role has no row)."""
    column = roles.c.label_en if language == "en" else roles.c.label_fi
    return session.execute(select(column).where(roles.c.code == code)).scalar() or code


def security_state(user, now=None):
    """What an account page or an admin sees of a user's login security."""
    now = now or now_utc()
    locked = security.is_locked(user.get("locked_until"), now)
    return {
        "locked": locked,
        "locked_until": user["locked_until"].isoformat() if locked else None,
        "failed_logins": user.get("failed_logins") or 0,
        "must_change_password": bool(user.get("must_change_password")),
        "totp_enabled": totp_enabled(user),
        "password_changed_at": user["password_changed_at"].isoformat()
        if user.get("password_changed_at")
        else None,
    }


def audit_hook(trail, actor):
    """The ``audit`` callable for these functions: one record per account change, subject the user."""

    def audit(action, user, details):
        trail.change(actor, action, "user", [user["id"]], details={"username": user["username"], **details})

    return audit


def admin_view(user, now=None):
    """A user's login security as the admin's user page shows it (account/_admin_user_security.html)."""
    state = security_state(user, now)
    return {
        "id": str(user["id"]),
        "username": user["username"],
        "locked": state["locked"],
        "locked_until": user["locked_until"] if state["locked"] else None,
        "must_change_password": state["must_change_password"],
        "totp_enabled": state["totp_enabled"],
    }
