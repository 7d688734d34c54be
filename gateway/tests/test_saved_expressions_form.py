"""C4: a saved advanced expression goes back into the advanced search form exactly (args_of is the
inverse of expression_of), or is shown in words when the form cannot hold it; a saved search opens
where it runs."""

from werkzeug.datastructures import MultiDict

from gateway.i18n import Translator
from gateway.saved_searches.advanced_search_form import args_of, expression_of, expression_text, form_state
from gateway.saved_searches.links import open_url


def round_trip(expression):
    args = args_of(expression)
    assert args is not None
    return expression_of(form_state(MultiDict(args)))[0]


def test_c4_form_expressions_come_back_exactly():
    for expression in (
        {"and": [{"text": "virtanen"}, {"filter": "city", "value": "Turku"}]},
        {"or": [{"not": {"filter": "kind", "value": "organisation"}}, {"filter": "age_min", "value": "30"}]},
        {
            "and": [
                {"text": "aho"},
                {
                    "not": {
                        "or": [{"filter": "city", "value": "Oulu"}, {"filter": "has_email", "value": "true"}]
                    }
                },
            ]
        },
        {"and": [{"filter": "deceased", "value": "exclude"}, {"and": [{"text": "a"}, {"text": "b"}]}]},
    ):
        assert round_trip(expression) == expression


def test_c4_expressions_the_form_cannot_hold_are_none():
    for expression in (
        {"and": [{"or": [{"text": "a"}, {"text": "b"}]}, {"text": "c"}]},  # the group is not last
        {"and": [{"or": [{"or": [{"text": "a"}]}]}]},  # nested deeper than the form's one group
        {"and": [{"filter": "custom.jasenlaji", "value": "x"}]},  # not a field of the form
        {"and": [{"text": str(index)} for index in range(6)]},  # more rows than the form has
        {"not": {"not": {"text": "a"}}},
    ):
        assert args_of(expression) is None, expression


def test_c4_expression_in_words_in_both_languages():
    expression = {
        "and": [
            {"text": "virtanen"},
            {"or": [{"filter": "city", "value": "Turku"}, {"filter": "custom.jasenlaji", "value": "x"}]},
            {"not": {"filter": "deceased", "value": "only"}},
        ]
    }
    assert expression_text(expression, Translator("en")) == (
        "Free text: virtanen AND (City: Turku OR custom.jasenlaji: x) AND NOT Deceased: only"
    )
    assert " JA (" in expression_text(expression, Translator("fi"))


def test_c4_saved_expression_opens_on_the_advanced_search_page():
    assert open_url({"id": "abc", "expression": {"text": "a"}, "query": "", "filters": {}}) == (
        "/contacts/advanced?saved=abc"
    )
    assert open_url({"id": "abc", "expression": None, "query": "aho", "filters": {}}) == "/contacts?q=aho"
