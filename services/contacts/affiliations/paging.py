"""Keyset cursors of an organisation's people (pure): the last row's (sort name, link id), and the
filters the page was made for, so a cursor is never reused with other filters."""

import base64
import json
import uuid

from piiri.errors import ValidationFailed
from services.contacts.search import encode_cursor

MARK = "a"


def encode(last, role, include_ended):
    return encode_cursor(
        {"m": MARK, "s": last["p_sort_name"], "i": str(last["id"]), "r": role, "e": bool(include_ended)}
    )


def decode(cursor, role, include_ended):
    """(sort name, link id) a cursor names, or None without a cursor; a clear error for a bad one."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError):
        position = None
    if (
        not isinstance(position, dict)
        or position.get("m") != MARK
        or not {"s", "i", "r", "e"} <= set(position)
    ):
        position = None
    try:
        link_id = uuid.UUID(str(position["i"])) if position else None
    except ValueError:
        link_id = None
    if link_id is None or not isinstance(position["s"], str):
        raise ValidationFailed("contact.cursor_invalid", {"cursor": ["contact.cursor_invalid"]})
    if position["r"] != role or position["e"] != bool(include_ended):
        raise ValidationFailed("contact.cursor_invalid", {"cursor": ["contact.cursor_invalid"]})
    return position["s"], link_id
