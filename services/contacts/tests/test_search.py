"""C4 search: how free-text queries are understood, and paging cursors (no I/O)."""

import pytest

from piiri.errors import ValidationFailed
from services.contacts.search import (
    MAX_LIMIT,
    clamp_limit,
    decode_cursor,
    encode_cursor,
    like_pattern,
    phone_search_prefix,
    plan_search,
)


def test_empty_query_lists_everyone():
    assert plan_search("  ").mode == "all"


def test_name_terms_are_split_on_spaces_and_commas():
    plan = plan_search("Virtanen, Anna")
    assert plan.mode == "text"
    assert plan.terms == ("Virtanen", "Anna")


def test_email_query_is_an_email_prefix_search():
    plan = plan_search("Anna.Virtanen@Example")
    assert plan.mode == "email"
    assert plan.email_prefix == "anna.virtanen@example"


@pytest.mark.parametrize(
    "query, prefix",
    [
        ("040 123 4567", "+358401234567"),
        ("+46 8 123 456", "+468123456"),
        ("00358 50 12", "+3585012"),
        ("(09) 123-45", "+358912345"),
    ],
)
def test_phone_queries_become_e164_prefixes(query, prefix):
    plan = plan_search(query)
    assert plan.mode == "phone"
    assert plan.phone_prefix == prefix
    assert phone_search_prefix(query) == prefix


def test_like_pattern_takes_wildcards_literally():
    assert like_pattern("50%_off\\") == "%50\\%\\_off\\\\%"


def test_cursor_round_trip():
    position = {"m": "k", "s": "virtanen anna", "i": "3f1c0c43-3c2e-4e34-9a3f-6f1f6f1f6f1f"}
    assert decode_cursor(encode_cursor(position)) == position


@pytest.mark.parametrize("cursor", ["garbage!!", encode_cursor({"m": "x"}), encode_cursor([1, 2])])
def test_foreign_cursors_are_refused_with_the_field_named(cursor):
    with pytest.raises(ValidationFailed) as error:
        decode_cursor(cursor)
    assert "cursor" in error.value.details


def test_limit_is_bounded():
    assert clamp_limit(None) == 25
    assert clamp_limit("10") == 10
    for bad in (0, MAX_LIMIT + 1, "many"):
        with pytest.raises(ValidationFailed) as error:
            clamp_limit(bad)
        assert "limit" in error.value.details
