"""Two-factor set-up of an account (S1): the secret shown while setting up, turning TOTP on with a first
code, off with the password and a code, and an admin's reset. The login's code check is in
gateway/accounts.py (check_login, finish_second_factor); the rules in gateway/security.py."""

from sqlalchemy import update

from gateway import secret_box, security
from gateway.accounts import (
    commit_audited,
    end_sessions,
    now_utc,
    open_session,
    password_matches,
    totp_enabled,
    totp_secret_of,
    user_by_id,
)
from gateway.models import users
from piiri.errors import ValidationFailed


def totp_setup(session, user_id):
    """The secret to show while the user sets up TOTP: the pending one, or a new one (not yet enabled)."""
    user = user_by_id(session, user_id, for_update=True)
    if totp_enabled(user):
        raise ValidationFailed("acc.err.totp_on", {"totp": ["acc.err.totp_on"]})
    secret = totp_secret_of(user)
    if not secret or secret_box.box().needs_reseal(user["totp_secret"]):
        secret = secret or security.new_totp_secret()
        sealed = secret_box.box().seal(secret)  # never stored in plaintext (issue 12 item 7h)
        session.execute(update(users).where(users.c.id == user["id"]).values(totp_secret=sealed))
    session.commit()
    uri = security.totp_uri(secret, user["username"])
    return {"secret": secret, "uri": uri, "qr": security.totp_qr_data_uri(uri)}


def enable_totp(session, user_id, code, audit, now=None, hours=12):
    """Turn TOTP on once the user proves their app has the secret with a valid code.

    Every session and login token of the user issued before ends (issue 12 item 7g: one opened with a
    stolen password must not outlive the second factor); returns a new web session secret (new id)
    for the browser that turned it on."""
    now = now or now_utc()
    user = user_by_id(session, user_id, for_update=True)
    if totp_enabled(user):
        raise ValidationFailed("acc.err.totp_on", {"totp": ["acc.err.totp_on"]})
    if not user["totp_secret"]:
        raise ValidationFailed("acc.err.no_secret", {"totp": ["acc.err.no_secret"]})
    result = security.check_code(totp_secret_of(user), code, now, user["totp_last_step"])
    if not result.ok:
        session.rollback()
        code = "acc.err.code_format" if result.reason == "malformed" else "acc.err.code_wrong"
        raise ValidationFailed(code, {"code": [code]})
    session.execute(
        update(users).where(users.c.id == user["id"]).values(totp_enabled_at=now, totp_last_step=result.step)
    )
    ended = end_sessions(session, user["id"])
    secret = open_session(session, user, "web", hours)[0]
    commit_audited(session, audit, "user.totp_enabled", user, {"sessions_ended": ended})
    return secret


def disable_totp(session, user_id, password, code, audit, now=None):
    """The user turns TOTP off: needs both the password and a current code."""
    now = now or now_utc()
    user = user_by_id(session, user_id, for_update=True)
    if not totp_enabled(user):
        raise ValidationFailed("acc.err.totp_off", {"totp": ["acc.err.totp_off"]})
    errors = {}
    if not password_matches(user, password):
        errors["password"] = ["acc.err.password_wrong"]
    result = security.check_code(totp_secret_of(user), code, now, user["totp_last_step"])
    if not result.ok:
        errors["code"] = ["acc.err.code_reused" if result.reason == "reused" else "acc.err.code_wrong"]
    if errors:
        session.rollback()
        raise ValidationFailed("acc.err.totp_not_off", errors)
    _clear_totp(session, user)
    commit_audited(session, audit, "user.totp_disabled", user, {})


def reset_totp(session, user_id, audit):
    """Admin: turn a user's TOTP off (lost phone); they can set it up again after logging in."""
    user = user_by_id(session, user_id, for_update=True)
    was_enabled = totp_enabled(user)
    _clear_totp(session, user)
    commit_audited(session, audit, "user.totp_reset", user, {"was_enabled": was_enabled})
    return {"id": str(user["id"]), "username": user["username"], "totp_enabled": False}


def _clear_totp(session, user):
    session.execute(
        update(users)
        .where(users.c.id == user["id"])
        .values(totp_secret=None, totp_enabled_at=None, totp_last_step=None)
    )
