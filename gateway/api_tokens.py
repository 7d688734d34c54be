"""API tokens for other systems (C6, X2): created by an admin with some permissions (and optionally some
contact groups as data scope), shown once, stored as a SHA-256, revocable; a request with one acts as
actor kind "token". Distinct from a user's own login tokens (POST /api/v1/auth/token, the sessions table).
"""

import secrets
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, or_, select, update

from gateway.auth import Principal, digest
from gateway.models import api_tokens, users
from gateway.roles import PERMISSION_CODES, access_for_token
from piiri.errors import NotFound, ValidationFailed, coded

PREFIX = "piiri_"  # token secrets start with this, so a bearer is looked up in one table only
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is written at most once a minute per token
PUBLIC_COLUMNS = [column for column in api_tokens.c if column.name != "token_hash"]


def is_api_token(secret):
    return bool(secret) and secret.startswith(PREFIX)


def new_token_secret():
    return PREFIX + secrets.token_urlsafe(32)


def _uuid_list(values, field, errors):
    ids = []
    for value in values or ():
        try:
            ids.append(uuid.UUID(str(value)))
        except ValueError:
            errors.setdefault(field, []).append(coded("admin.err.not_id", value=str(value)))
    return list(dict.fromkeys(ids))


def check_input(data):
    """{name, permissions, contact_group_ids, expires_at} of a request, or ValidationFailed naming fields."""
    if not isinstance(data, dict):
        raise ValidationFailed("admin.err.not_object", {"_schema": ["admin.err.not_object"]})
    errors = {}
    name = (data.get("name") or "").strip() if isinstance(data.get("name"), (str, type(None))) else None
    if not name or len(name) > 150:
        errors["name"] = [coded("admin.err.text", limit=150)]
    permissions = data.get("permissions")
    if not isinstance(permissions, list) or not permissions:
        errors["permissions"] = ["admin.err.permissions"]
        permissions = []
    unknown = [code for code in permissions if code not in PERMISSION_CODES]
    if unknown:
        errors["permissions"] = [coded("admin.err.unknown_permission", codes=", ".join(map(str, unknown)))]
    groups = data.get("contact_group_ids") or []
    if not isinstance(groups, list):
        errors["contact_group_ids"] = ["admin.err.id_list"]
        groups = []
    group_ids = _uuid_list(groups, "contact_group_ids", errors)
    expires_at = data.get("expires_at")
    if expires_at not in (None, ""):
        try:
            expires_at = datetime.fromisoformat(str(expires_at))
            expires_at = expires_at if expires_at.tzinfo else expires_at.replace(tzinfo=UTC)
            if expires_at <= datetime.now(UTC):
                errors["expires_at"] = ["admin.err.future"]
        except ValueError:
            errors["expires_at"] = ["admin.err.datetime"]
    else:
        expires_at = None
    if errors:
        raise ValidationFailed("admin.err.invalid", errors)
    return {
        "name": name,
        "permissions": sorted(set(permissions), key=PERMISSION_CODES.index),
        "contact_group_ids": group_ids,
        "expires_at": expires_at,
    }


def create(session, values, created_by):
    """Insert a token; returns (secret, row). The caller commits (after auditing)."""
    secret = new_token_secret()
    row = session.execute(
        insert(api_tokens)
        .values(**values, token_hash=digest(secret), created_by=created_by)
        .returning(*PUBLIC_COLUMNS)
    ).one()
    return secret, dict(row._mapping)


def listed(session):
    """Every token (no secrets), newest first, with the creator's username."""
    rows = session.execute(
        select(*PUBLIC_COLUMNS, users.c.username.label("created_by_username"))
        .join(users, users.c.id == api_tokens.c.created_by)
        .order_by(api_tokens.c.created_at.desc())
    )
    return [dict(row._mapping) for row in rows]


def get(session, token_id):
    try:
        parsed = uuid.UUID(str(token_id))
    except ValueError:
        parsed = None
    row = (
        session.execute(select(*PUBLIC_COLUMNS).where(api_tokens.c.id == parsed)).first() if parsed else None
    )
    if row is None:
        raise NotFound("admin.err.no_token", {"id": str(token_id)}, {"id": str(token_id)})
    return dict(row._mapping)


def revoke(session, token_id):
    """Revoke (idempotent); returns the token row. The caller commits."""
    token = get(session, token_id)
    if token["revoked_at"] is None:
        row = session.execute(
            update(api_tokens)
            .where(api_tokens.c.id == token["id"])
            .values(revoked_at=datetime.now(UTC))
            .returning(*PUBLIC_COLUMNS)
        ).one()
        token = dict(row._mapping)
    return token


def status(token, now=None):
    now = now or datetime.now(UTC)
    if token["revoked_at"] is not None:
        return "revoked"
    if token["expires_at"] is not None and token["expires_at"] <= now:
        return "expired"
    return "active"


def principal_for(session, secret):
    """(Principal, touched) for a valid token secret, else (None, False). ``touched``: last_used_at was
    written now (at most once a minute), and the use should be audited."""
    if not is_api_token(secret):
        return None, False
    now = datetime.now(UTC)
    row = session.execute(
        select(api_tokens).where(
            api_tokens.c.token_hash == digest(secret),
            api_tokens.c.revoked_at.is_(None),
            or_(api_tokens.c.expires_at.is_(None), api_tokens.c.expires_at > now),
        )
    ).first()
    if row is None:
        return None, False
    token = dict(row._mapping)
    touched = token["last_used_at"] is None or token["last_used_at"] < now - TOUCH_EVERY
    if touched:
        session.execute(update(api_tokens).where(api_tokens.c.id == token["id"]).values(last_used_at=now))
        session.commit()
    user = {
        "id": token["id"],
        "username": f"token:{token['name']}",
        "display_name": token["name"],
        "role": None,
        "language": "en",
    }
    principal = Principal(
        user=user,
        kind="token",
        csrf_token="",
        token_hash=token["token_hash"],
        access=access_for_token(token),
        expires_at=token["expires_at"],
    )
    return principal, touched
