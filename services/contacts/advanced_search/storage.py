"""SQL of advanced search (C4): one sorted page with keyset paging on (sort key, id), nulls last,
and bounded counts. Reuses the summary columns and helpers of services/contacts/storage.py."""

import base64
import json
import uuid
from datetime import date, datetime

from sqlalchemy import and_, func, literal, select, tuple_

from piiri.collation import finnish
from piiri.db import plan_for_parameters
from piiri.errors import ValidationFailed
from services.contacts import scopes
from services.contacts import storage as contact_storage
from services.contacts.advanced_search.expression import compile_expression
from services.contacts.contract import SUMMARY_FIELDS, dump_summaries
from services.contacts.models import contacts
from services.contacts.registries import SEARCH_FILTERS
from services.contacts.saved_searches.storage import COUNT_CAP
from services.contacts.search import clamp_limit, encode_cursor, plan_search

SORT_KEYS = {
    "name": contacts.c.sort_name,
    "created_at": contacts.c.created_at,
    "updated_at": contacts.c.updated_at,
    "birth_date": contacts.c.birth_date,
    "city": func.lower(finnish(contacts.c.city)),  # Finnish order (index contacts_sort_city)
    "email": func.lower(finnish(contacts.c.email)),  # Finnish order (index contacts_sort_email)
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
    plan_for_parameters(session)
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
    plan_for_parameters(session)
    matches = select(literal(1)).select_from(contacts).where(condition).limit(COUNT_CAP + 1)
    return session.execute(select(func.count()).select_from(matches.subquery("matches"))).scalar_one()


# --- expressions, cursors and pages, shared with saved searches and export rows -----------------------

CURSOR_KEYS = {"o", "d", "n", "k", "i"}


def condition_for(expression, session=None, actor=None):
    """The SQL condition of an expression (ValidationFailed naming each bad node by its path); with a
    ``session`` a filter naming nothing (``custom.<key>`` of no active field) is refused too."""
    condition = compile_expression(
        expression,
        build_filter=lambda name, value: SEARCH_FILTERS.builder(name)(value),
        build_text=text_condition,
        known_filter=lambda name: SEARCH_FILTERS.builder(name) is not None,
    )
    if session is not None and actor is not None:
        SEARCH_FILTERS.check_targets(session, actor, filter_values(expression))
    if session is not None:
        nodes = filter_nodes(expression, "expression")
        unknown = SEARCH_FILTERS.unknown_family_filters(session, [name for _, name in nodes])
        errors = {f"{path}.filter": unknown[name] for path, name in nodes if name in unknown}
        if errors:
            messages = [message for texts in errors.values() for message in texts]
            raise ValidationFailed(
                messages[0] if len(set(messages)) == 1 else "The search expression is not valid.", errors
            )
    return condition


def filter_values(node):
    """[(filter name, value)] of a checked expression's filter leaves."""
    for op in ("and", "or"):
        if op in node:
            return [found for child in node[op] for found in filter_values(child)]
    if "not" in node:
        return filter_values(node["not"])
    return [(node["filter"], node.get("value"))] if "filter" in node else []


def filter_nodes(node, path):
    """[(json path, filter name)] of a checked expression's filter leaves."""
    for op in ("and", "or"):
        if op in node:
            return [
                found
                for index, child in enumerate(node[op])
                for found in filter_nodes(child, f"{path}.{op}[{index}]")
            ]
    if "not" in node:
        return filter_nodes(node["not"], f"{path}.not")
    return [(path, node["filter"])] if "filter" in node else []


def position_for(cursor, sort, direction):
    """The position a cursor names; refused if it was made for another sort or direction."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError):
        position = None
    if not isinstance(position, dict) or position.get("m") != "a" or not CURSOR_KEYS <= set(position):
        raise ValidationFailed("The paging cursor is not valid.", {"cursor": ["contact.cursor_invalid"]})
    if not _well_formed(position, sort):
        raise ValidationFailed("The paging cursor is not valid.", {"cursor": ["contact.cursor_invalid"]})
    if position["o"] != sort or position["d"] != direction:
        raise ValidationFailed("contact.cursor_invalid", {"cursor": ["contact.cursor_invalid"]})
    return position


def _well_formed(position, sort):
    """Only the keys and types page() writes (a tampered cursor would reach SQL): issue 12 item 6."""
    if set(position) != CURSOR_KEYS | {"m"} or position["n"] not in (0, 1) or isinstance(position["n"], bool):
        return False
    try:
        uuid.UUID(str(position["i"]))
        key = position["k"]
        if key is not None:
            if not isinstance(key, str) or "\x00" in key or len(key) > 1000:
                return False
            key.encode("utf-8")
            if position["o"] == sort:
                _key_value(sort, key)
    except (ValueError, TypeError, UnicodeEncodeError):
        return False
    return True


def audited_page(session, audit, actor, args, limit, audit_details):
    """One audited page of an expression's contacts (the advanced search, saved advanced searches):
    one ``contact.listed`` event with ``audit_details`` added."""
    limit = clamp_limit(limit)
    condition = and_(condition_for(args["expression"], session, actor), *scopes.conditions(session, actor))
    position = position_for(args["cursor"], args["sort"], args["direction"])
    items, next_position = page(session, condition, args["sort"], args["direction"], limit, position)
    session.rollback()
    if items:
        audit.read(
            actor,
            "contact.listed",
            "contact",
            [item["id"] for item in items],
            fields=SUMMARY_FIELDS,
            details={
                "expression": args["expression"],
                "sort": args["sort"],
                "direction": args["direction"],
                **audit_details,
            },
        )
    return {
        "items": dump_summaries(items),
        "next_cursor": encode_cursor(next_position) if next_position else None,
        "match": "exact",
    }
