"""What a free-text query means (pure logic, no I/O): e-mail, phone or name terms, and paging cursors."""

import base64
import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime

import phonenumbers

from piiri.errors import ValidationFailed, coded

MAX_LIMIT = 200
DEFAULT_LIMIT = 25
PHONE_LIKE = re.compile(r"^\+?[\d\s\-()]{5,}$")


@dataclass(frozen=True)
class SearchPlan:
    """``mode`` is one of: all, email, phone, text. ``terms`` are raw name terms (normalised in SQL)."""

    mode: str
    terms: tuple = ()
    email_prefix: str = ""
    phone_prefix: str = ""


def plan_search(query, default_region="FI"):
    query = (query or "").strip()
    if not query:
        return SearchPlan("all")
    if "@" in query and " " not in query:
        return SearchPlan("email", email_prefix=query.lower())
    if PHONE_LIKE.match(query):
        return SearchPlan("phone", phone_prefix=phone_search_prefix(query, default_region))
    terms = tuple(term for term in re.split(r"[\s,]+", query) if term)[:8]
    return SearchPlan("text", terms=terms)


def phone_search_prefix(query, default_region="FI"):
    """'040 123 45' -> '+3584012345' (prefix of the E.164 form); '+46 8…' kept international."""
    digits = re.sub(r"[^\d+]", "", query)
    if digits.startswith("+"):
        return digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    country_code = phonenumbers.country_code_for_region(default_region)
    if digits.startswith("0"):
        return f"+{country_code}{digits[1:]}"
    return f"+{country_code}{digits}"


def like_pattern(term):
    """A LIKE '%term%' pattern with the user's % and _ taken literally."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def encode_cursor(position):
    raw = json.dumps(position, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor):
    """The position a cursor names; a cursor that was not made by us gives a clear 400-class error."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError):
        position = None
    if not isinstance(position, dict) or position.get("m") not in ("k", "f") or not _well_formed(position):
        raise ValidationFailed("The paging cursor is not valid.", {"cursor": ["contact.cursor_invalid"]})
    return position


def _storable_text(value):
    if not isinstance(value, str) or "\x00" in value or len(value) > 1000:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _well_formed(position):
    """A position has only the keys and types our pages write (a tampered one would reach SQL): issue 12
    item 6. {"m": "k"|"f", "s": sort name (or "t": a time), "i": an id, "g": group, "o": offset}."""
    if not set(position) <= {"m", "s", "t", "i", "g", "o"} or ("s" in position or "t" in position) != (
        "i" in position
    ):
        return False
    if "s" in position and not _storable_text(position["s"]):
        return False
    if "i" in position:
        try:
            uuid.UUID(position["i"])
            if "t" in position:
                datetime.fromisoformat(position["t"])
        except (ValueError, TypeError, AttributeError):
            return False
    for name in ("g", "o"):
        value = position.get(name, 0)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1_000_000:
            return False
    return True


def clamp_limit(limit):
    if limit is None:
        return DEFAULT_LIMIT
    try:
        limit = int(limit)
    except (TypeError, ValueError):
        raise ValidationFailed("contact.invalid", {"limit": ["request.whole_number"]}) from None
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(
            "contact.invalid", {"limit": [coded("contact.out_of_range", min=1, max=MAX_LIMIT)]}
        )
    return limit
