"""All SQL of a contact's change history: one row per changed field (standard fields by name, custom fields
as ``custom.<key>``), written in the change's transaction, read newest first. Every write path records:
the contact form and API, custom values alone, an import's overwrites and their undo, and a merge (whose
survivor also takes over the merged contacts' history)."""

import json
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy import insert, select, update

from services.contacts.models import contact_changes


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _json(value):
    """A field's value as JSONB holds it; an empty value ('', [], None) is None."""
    if value in (None, "", []):
        return None
    return json.loads(json.dumps(value, default=_plain))


# A flat field is the primary entry of its list (C2): when the list changed too, the list's change says it.
LIST_OF = {
    "email": "emails",
    "phone": "phones",
    "street": "addresses",
    "postal_code": "addresses",
    "city": "addresses",
    "country": "addresses",
}


def record(session, contact_id, actor_username, before, after, fields):
    """One row per field of ``fields`` whose value differs between ``before`` and ``after`` (a flat field
    whose list is among ``fields`` left out)."""
    fields = [field for field in fields if LIST_OF.get(field) not in fields]
    rows = [
        {
            "contact_id": contact_id,
            "actor_username": actor_username,
            "field": field,
            "old_value": _json(before.get(field)),
            "new_value": _json(after.get(field)),
        }
        for field in fields
        if _json(before.get(field)) != _json(after.get(field))
    ]
    if rows:
        session.execute(insert(contact_changes), rows)
    return len(rows)


def recent(session, contact_id, limit):
    """The contact's last ``limit`` field changes, newest first."""
    query = (
        select(contact_changes)
        .where(contact_changes.c.contact_id == contact_id)
        .order_by(contact_changes.c.id.desc())
        .limit(limit)
    )
    return [dict(row._mapping) for row in session.execute(query)]


def record_custom(session, contact_id, actor_username, before, after):
    """One row per custom field ({key: value} before and after) whose value differs, as custom.<key>."""
    keys = sorted(set(before) | set(after))
    return record(
        session,
        contact_id,
        actor_username,
        {f"custom.{key}": before.get(key) for key in keys},
        {f"custom.{key}": after.get(key) for key in keys},
        [f"custom.{key}" for key in keys],
    )


def move_to_survivor(session, survivor_id, merged_ids):
    """A merge: the merged contacts' history becomes the survivor's (before they are deleted)."""
    session.execute(
        update(contact_changes)
        .where(contact_changes.c.contact_id.in_(merged_ids))
        .values(contact_id=survivor_id)
    )
