"""Unit tests of advanced search's pure rules (C4): the expression language, dates, ages and sorts."""

from datetime import date

import pytest
from sqlalchemy import column
from sqlalchemy.dialects import postgresql

from piiri.errors import ValidationFailed
from services.contacts.advanced_search import rules
from services.contacts.advanced_search.expression import MAX_DEPTH, MAX_LEAVES, check, compile_expression

KNOWN = {"city", "deceased", "age_min"}


def known(name):
    return name in KNOWN


def build_filter(name, value):
    if name == "age_min" and not value.isdigit():
        raise ValidationFailed("age_min must be an age.", {"age_min": ["Give whole years."]})
    return column(name) == value


def build_text(text):
    return column("search_text").like(f"%{text}%")


def sql(condition):
    return str(condition.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


def test_c4_expression_compiles_and_or_not():
    expression = {
        "and": [
            {"or": [{"filter": "city", "value": "Helsinki"}, {"filter": "city", "value": "Espoo"}]},
            {"not": {"filter": "deceased", "value": "only"}},
            {"text": "virtanen"},
        ]
    }
    text = sql(compile_expression(expression, build_filter, build_text, known))
    assert "city = 'Helsinki' OR city = 'Espoo'" in text
    assert "deceased != 'only'" in text or "NOT (deceased = 'only')" in text
    assert "search_text LIKE '%%virtanen%%'" in text


@pytest.mark.parametrize(
    "expression, path, message",
    [
        (
            {"and": [{"filter": "city", "value": "x"}, {"text": "a"}, {"filter": "nope", "value": "1"}]},
            "expression.and[2].filter",
            "contact.unknown_filter",
        ),
        ({"or": []}, "expression.or", "as.err_empty_list"),
        ({"not": "x"}, "expression.not", "as.err_node"),
        ({"filter": "city"}, "expression.value", "as.err_value"),
        ({"text": " "}, "expression.text", {"code": "as.err_text", "params": {"max": 200}}),
        (
            {"and": [{"filter": "city", "value": "x"}], "or": []},
            "expression",
            "as.err_node_keys",
        ),
    ],
)
def test_c4_bad_nodes_are_named_by_json_path(expression, path, message):
    with pytest.raises(ValidationFailed) as caught:
        compile_expression(expression, build_filter, build_text, known)
    assert message in caught.value.details[path]


def test_c4_bad_filter_value_is_named_by_its_node():
    expression = {"and": [{"text": "a"}, {"filter": "age_min", "value": "old"}]}
    with pytest.raises(ValidationFailed) as caught:
        compile_expression(expression, build_filter, build_text, known)
    assert caught.value.details == {"expression.and[1].value": ["Give whole years."]}


def test_c4_depth_limit_is_8():
    node = {"text": "a"}
    for _ in range(7):
        node = {"not": node}
    assert check(node, known) == {}  # 8 levels
    errors = check({"not": node}, known)
    assert {"code": "as.err_too_deep", "params": {"max": MAX_DEPTH}} in [
        m for ms in errors.values() for m in ms
    ]


def test_c4_at_most_50_leaves():
    assert check({"or": [{"text": "a"}] * MAX_LEAVES}, known) == {}
    errors = check({"or": [{"text": "a"}] * (MAX_LEAVES + 1)}, known)
    assert "Too many conditions: at most 50." in errors["expression"]


def test_c4_dates_iso_and_finnish():
    assert rules.parse_date("born_from", "2026-11-25") == date(2026, 11, 25)
    assert rules.parse_date("born_from", "5.3.1970") == date(1970, 3, 5)
    with pytest.raises(ValidationFailed) as caught:
        rules.parse_date("born_to", "31.2.2020")
    assert "born_to" in caught.value.details


def test_c4_age_bounds():
    today = date(2026, 11, 25)
    # at least 30: born on or before 25.11.1996; at most 30: born after 25.11.1995
    assert rules.born_on_or_before_for_age_min(30, today) == date(1996, 11, 25)
    assert rules.born_after_for_age_max(30, today) == date(1995, 11, 25)
    assert rules.years_before(date(2028, 2, 29), 1) == date(2027, 2, 28)
    with pytest.raises(ValidationFailed):
        rules.parse_age("age_min", "-1")


def test_c4_sorts_checked():
    assert rules.checked_sort(None, None) == ("name", "asc")
    with pytest.raises(ValidationFailed) as caught:
        rules.checked_sort("shoe_size", "up")
    assert set(caught.value.details) == {"sort", "direction"}
