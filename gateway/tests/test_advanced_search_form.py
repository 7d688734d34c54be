"""Unit tests of the advanced-search page's form (C4): rows -> expression, errors -> rows."""

from werkzeug.datastructures import MultiDict

from gateway.saved_searches.advanced_search_form import expression_of, form_state, row_errors


def test_c4_rows_and_nested_group_build_the_expression():
    args = MultiDict(
        {
            "combine": "and",
            "r1_field": "deceased",
            "r1_value": "only",
            "r1_not": "on",
            "r2_field": "city",  # no value: left out
            "g_combine": "or",
            "g1_field": "city",
            "g1_value": " Helsinki ",
            "g2_field": "text",
            "g2_value": "virtanen",
            "sort": "birth_date",
            "direction": "desc",
        }
    )
    state = form_state(args)
    expression, paths = expression_of(state)
    assert expression == {
        "and": [
            {"not": {"filter": "deceased", "value": "only"}},
            {"or": [{"filter": "city", "value": "Helsinki"}, {"text": "virtanen"}]},
        ]
    }
    assert (state["sort"], state["direction"]) == ("birth_date", "desc")
    assert paths == {
        "expression.and[0]": "r1",
        "expression.and[1].or[0]": "g1",
        "expression.and[1].or[1]": "g2",
    }
    by_row, other = row_errors({"expression.and[1].or[0].value": ["Bad."], "sort": ["Use one of."]}, paths)
    assert by_row == {"g1": ["Bad."]} and other == ["Use one of."]


def test_c4_empty_form_and_unknown_fields_give_no_expression():
    state = form_state(MultiDict({"r1_field": "shoe_size", "r1_value": "42", "sort": "colour"}))
    assert expression_of(state) == (None, {})
    assert state["sort"] == "name"


def test_c4_negated_group():
    state = form_state(
        MultiDict({"g_not": "on", "g_combine": "and", "g1_field": "kind", "g1_value": "person"})
    )
    expression, paths = expression_of(state)
    assert expression == {"and": [{"not": {"and": [{"filter": "kind", "value": "person"}]}}]}
    assert paths == {"expression.and[0].not.and[0]": "g1"}
