"""SQL of advanced search (C4): one sorted page with keyset paging on (sort key, id), nulls last,
and bounded counts. Reuses the summary columns and helpers of services/contacts/storage.py."""

import uuid
from datetime import date, datetime

from sqlalchemy import func, literal, select, text, tuple_

from services.contacts import storage as contact_storage
from services.contacts.models import contacts
from services.contacts.saved_searches.storage import COUNT_CAP
from services.contacts.search import plan_search

SORT_KEYS = {
    "name": contacts.c.sort_name,
    "created_at": contacts.c.created_at,
    "updated_at": contacts.c.updated_at,
    "birth_date": contacts.c.birth_date,
    "city": func.piiri_norm(contacts.c.city),
}


def text_condition(query):
    """The free-text condition of the contact list for ``query`` (exact matching: name, e-mail, phone)."""
    return contact_storage._exact_condition(plan_search(query))


def _key_value(sort, raw):
    """A cursor's stored key back as the column's Python type."""
    if sort in ("created_at", "updated_at"):
        return datetime.fromisoformat(raw)
    if sort == "birth_date":
        return date.fromisoformat(raw)
    return raw


def _key_text(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def page(session, condition, sort, direction, limit, position):
    """(items, next position) of contacts meeting ``condition``, in (key, id) order, nulls last.

    Two phases, each one index range in (key, id) order: the rows with a key, then (ordered by id)
    those without. A position is {"m": "a", "o": sort, "d": direction, "n": phase, "k": key, "i": id}.
    """
    session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    key = SORT_KEYS[sort]
    descending = direction == "desc"
    phase = position["n"] if position else 0
    after_id = uuid.UUID(position["i"]) if position else None
    rows = []
    if phase == 0:
        query = select(*contact_storage.SUMMARY_COLUMNS, key.label("sort_key")).where(
            condition, key.is_not(None)
        )
        if position:
            last = tuple_(literal(_key_value(sort, position["k"]), type_=key.type), literal(after_id))
            pair = tuple_(key, contacts.c.id)
            query = query.where(pair < last if descending else pair > last)
        order = (key.desc(), contacts.c.id.desc()) if descending else (key, contacts.c.id)
        rows = [(0, row) for row in session.execute(query.order_by(*order).limit(limit + 1)).all()]
        after_id = None
    if len(rows) <= limit:
        query = select(*contact_storage.SUMMARY_COLUMNS, literal(None).label("sort_key")).where(
            condition, key.is_(None)
        )
        if after_id is not None:
            query = query.where(contacts.c.id < after_id if descending else contacts.c.id > after_id)
        order = contacts.c.id.desc() if descending else contacts.c.id
        found = session.execute(query.order_by(order).limit(limit + 1 - len(rows))).all()
        rows.extend((1, row) for row in found)
    next_position = None
    if len(rows) > limit:
        last_phase, last = rows[limit - 1]
        next_position = {
            "m": "a",
            "o": sort,
            "d": direction,
            "n": last_phase,
            "k": _key_text(last.sort_key),
            "i": str(last.id),
        }
    return [contact_storage._summary(_without_key(row)) for _, row in rows[:limit]], next_position


class _Row:
    def __init__(self, mapping):
        self._mapping = mapping


def _without_key(row):
    mapping = dict(row._mapping)
    mapping.pop("sort_key", None)
    return _Row(mapping)


def count(session, condition):
    """Matches of ``condition``, counted up to COUNT_CAP + 1 (a LIMIT inside keeps it bounded)."""
    session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    matches = select(literal(1)).select_from(contacts).where(condition).limit(COUNT_CAP + 1)
    return session.execute(select(func.count()).select_from(matches.subquery("matches"))).scalar_one()
