"""Issue 12 item 6: a paging cursor is decoded strictly (a tampered one is a 422 naming ``cursor``, never
a 5xx from SQL), and every position our pages write still round-trips."""

import base64
import json

import pytest

from piiri.errors import ValidationFailed
from services.contacts.advanced_search.storage import position_for
from services.contacts.search import decode_cursor, encode_cursor

ID = "00000000-0000-4000-8000-000000000001"
WRITTEN = [
    {"m": "k", "s": "virtanen anna", "i": ID},  # the contact list, exact
    {"m": "f", "g": 2, "s": "virtanen anna", "i": ID},  # fuzzy, by word groups
    {"m": "f", "o": 150},  # fuzzy, scored
    {"m": "k", "t": "2026-12-06T10:00:00+00:00", "i": ID},  # automation runs (ran_at, id)
]
TAMPERED = [
    {"m": "k", "s": "a", "i": "not-an-id"},
    {"m": "k", "s": 5, "i": ID},
    {"m": "k", "s": "a\x00b", "i": ID},
    {"m": "k", "s": "\ud800", "i": ID},
    {"m": "k", "s": "a"},
    {"m": "k", "t": "yesterday", "i": ID},
    {"m": "f", "g": "x"},
    {"m": "f", "o": -5},
    {"m": "f", "o": True},
    {"m": "k", "x": 1},
    [1, 2],
]


def raw(value):
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


@pytest.mark.parametrize("position", WRITTEN)
def test_issue12_item6_every_written_position_round_trips(position):
    assert decode_cursor(encode_cursor(position)) == position


@pytest.mark.parametrize("position", TAMPERED)
def test_issue12_item6_a_tampered_cursor_is_refused_naming_it(position):
    with pytest.raises(ValidationFailed) as refused:
        decode_cursor(raw(position))
    assert "cursor" in refused.value.details


@pytest.mark.parametrize(
    "position",
    [
        {"m": "a", "o": "name", "d": "asc", "n": 0, "k": {"x": 1}, "i": ID},
        {"m": "a", "o": "name", "d": "asc", "n": 7, "k": "a", "i": ID},
        {"m": "a", "o": "name", "d": "asc", "n": 0, "k": "a", "i": "x"},
        {"m": "a", "o": "birth_date", "d": "asc", "n": 0, "k": "not a date", "i": ID},
        {"m": "a", "o": "name", "d": "asc", "n": 0, "k": "a\x00", "i": ID},
    ],
)
def test_issue12_item6_a_tampered_advanced_search_cursor_is_refused(position):
    with pytest.raises(ValidationFailed):
        position_for(raw(position), position["o"], "asc")


def test_issue12_item6_advanced_search_cursors_still_round_trip():
    for sort, key in (("name", "virtanen"), ("birth_date", "1980-06-15"), ("created_at", None)):
        position = {"m": "a", "o": sort, "d": "desc", "n": 0 if key else 1, "k": key, "i": ID}
        assert position_for(encode_cursor(position), sort, "desc") == position
