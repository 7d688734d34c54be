"""C4 saved searches, pure rules: names, queries, filter values, who sees and changes a search."""

import pytest

from piiri.context import Actor
from piiri.errors import ValidationFailed
from services.contacts.saved_searches import contract, rules

OWNER = Actor(id="u1", username="maija", permissions=("contacts.view",))
OTHER = Actor(id="u2", username="pekka", permissions=("contacts.view",))
MANAGER = Actor(id="u3", username="admin", permissions=("contacts.view", "users.manage"))


def test_c4_name_is_trimmed_and_required_and_bounded():
    assert rules.clean_name("  Hallitus   2026 ") == "Hallitus 2026"
    for bad in ("", "   ", None, 5):
        with pytest.raises(ValidationFailed) as caught:
            rules.clean_name(bad)
        assert "name" in caught.value.details
    assert rules.clean_name("x" * 200) == "x" * 200
    with pytest.raises(ValidationFailed) as caught:
        rules.clean_name("x" * 201)
    assert caught.value.details == {"name": [{"code": "contact.too_long", "params": {"max": 200}}]}


def test_c4_query_at_most_500_characters():
    assert rules.clean_query(None) == ""
    assert rules.clean_query("  virtanen ") == "virtanen"
    with pytest.raises(ValidationFailed) as caught:
        rules.clean_query("a" * 501)
    assert "query" in caught.value.details


def test_c4_filters_become_text_and_empty_ones_are_dropped():
    assert rules.clean_filters(None) == {}
    given = {"deceased": "exclude", "group_id": "", "x": None, "one_per_couple": True}
    assert rules.clean_filters(given) == {"deceased": "exclude", "one_per_couple": "true"}
    with pytest.raises(ValidationFailed) as caught:
        rules.clean_filters(["deceased"])
    assert "filters" in caught.value.details
    with pytest.raises(ValidationFailed) as caught:
        rules.clean_filters({"deceased": ["a", "b"]})
    assert "deceased" in caught.value.details


def test_c4_private_searches_are_the_owners_shared_ones_everyones():
    private = {"owner_id": "u1", "shared": False}
    shared = {"owner_id": "u1", "shared": True}
    assert rules.visible_to(private, OWNER) and not rules.visible_to(private, OTHER)
    assert rules.visible_to(shared, OTHER)
    assert rules.may_change(shared, OWNER) and rules.may_change(shared, MANAGER)
    assert not rules.may_change(shared, OTHER)


def test_c4_search_params_put_q_first_then_filters_by_name():
    assert contract.search_params("anna", {"z": "1", "deceased": "exclude"}) == {
        "q": "anna",
        "deceased": "exclude",
        "z": "1",
    }
    assert list(contract.search_params("", {"a": "1"})) == ["a"]
