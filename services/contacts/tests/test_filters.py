"""C4 structured filters: a SearchFilters refuses unknown filters by name and builds declared ones."""

import pytest
from sqlalchemy import literal

from piiri.errors import ValidationFailed
from services.contacts.filters import FilterSet, SearchFilters


def test_declared_filters_build_conditions_and_blank_values_are_ignored():
    seen = []

    def colour(value):
        seen.append(value)
        return literal(True)

    registry = SearchFilters([FilterSet(filters={"colour": colour})])
    conditions = registry.conditions({"colour": "red"})
    assert len(conditions) == 1 and seen[-1] == "red"
    assert registry.conditions({"colour": ""}) == []


def test_unknown_filters_are_refused_each_by_name():
    registry = SearchFilters([FilterSet(filters={"colour": lambda value: literal(True)})])
    with pytest.raises(ValidationFailed) as error:
        registry.conditions({"shoe_size": "44", "hat": "x", "colour": "red"})
    assert set(error.value.details) == {"shoe_size", "hat"}
    assert "colour" in error.value.details["hat"][0]


def test_a_family_of_filters_gets_the_rest_of_the_name():
    calls = []

    def custom(rest, value):
        calls.append((rest, value))
        return literal(True)

    registry = SearchFilters([FilterSet(families={"custom.": custom})])
    registry.conditions({"custom.member_type": "gold"})
    assert calls == [("member_type", "gold")]
    with pytest.raises(ValidationFailed):
        registry.conditions({"custom.": "x"})


def test_the_same_name_cannot_be_declared_twice():
    one = FilterSet(filters={"colour": lambda value: literal(True)})
    other = FilterSet(filters={"colour": lambda value: literal(False)})
    with pytest.raises(ValueError):
        SearchFilters([one, other])


def test_filters_must_be_an_object():
    with pytest.raises(ValidationFailed):
        SearchFilters([]).conditions(["colour"])
