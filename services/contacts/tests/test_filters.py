"""C4 structured filters: the registry refuses unknown filters by name and builds registered ones."""

import pytest
from sqlalchemy import literal

from piiri.errors import ValidationFailed
from services.contacts import filters


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(filters, "SEARCH_FILTERS", {})
    monkeypatch.setattr(filters, "PREFIX_FILTERS", {})
    return filters


def test_registered_filters_build_conditions_and_blank_values_are_ignored(registry):
    seen = []

    @registry.search_filter("colour")
    def colour(value):
        seen.append(value)
        return literal(True)

    conditions = registry.filter_conditions({"colour": "red"})
    assert len(conditions) == 1 and seen[-1] == "red"
    assert registry.filter_conditions({"colour": ""}) == []


def test_unknown_filters_are_refused_each_by_name(registry):
    registry.search_filter("colour")(lambda value: literal(True))
    with pytest.raises(ValidationFailed) as error:
        registry.filter_conditions({"shoe_size": "44", "hat": "x", "colour": "red"})
    assert set(error.value.details) == {"shoe_size", "hat"}
    assert "colour" in error.value.details["hat"][0]


def test_a_family_of_filters_gets_the_rest_of_the_name(registry):
    calls = []

    @registry.search_filter_family("custom.")
    def custom(rest, value):
        calls.append((rest, value))
        return literal(True)

    registry.filter_conditions({"custom.member_type": "gold"})
    assert calls == [("member_type", "gold")]
    with pytest.raises(ValidationFailed):
        registry.filter_conditions({"custom.": "x"})


def test_the_same_name_cannot_be_registered_twice(registry):
    registry.search_filter("colour")(lambda value: literal(True))
    with pytest.raises(ValueError):
        registry.search_filter("colour")(lambda value: literal(False))


def test_filters_must_be_an_object(registry):
    with pytest.raises(ValidationFailed):
        registry.filter_conditions(["colour"])
