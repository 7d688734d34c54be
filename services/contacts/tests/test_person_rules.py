"""Pure rules of person details: couples' address names (C10), active statuses (C9), names for search and
letters (C12), death dates (C14), filter values."""

from datetime import date

import pytest

from piiri.errors import ValidationFailed
from services.contacts.person import filters, rules


def person(first, last, preferred=None, id_="a", kind="person"):
    return {"id": id_, "kind": kind, "first_name": first, "last_name": last, "preferred_name": preferred,
            "display_name": f"{first} {last}"}  # fmt: skip


def test_c10_address_name_shares_the_last_name_in_both_languages():
    anna, matti = person("Anna", "Virtanen"), person("Matti", "Virtanen", id_="b")
    assert rules.couple_address_name(anna, matti, "fi") == "Anna ja Matti Virtanen"
    assert rules.couple_address_name(anna, matti, "en") == "Anna and Matti Virtanen"
    assert rules.couple_address_name(anna, matti, "sv") == "Anna och Matti Virtanen"


def test_c10_address_name_with_different_last_names_and_preferred_names():
    anna, matti = person("Anna", "Virtanen"), person("Matti", "Korhonen", preferred="Masa", id_="b")
    assert rules.couple_address_name(anna, matti, "fi") == "Anna Virtanen ja Masa Korhonen"
    assert rules.couple_address_name(anna, matti, "en") == "Anna Virtanen and Masa Korhonen"
    assert rules.couple_address_name(person(None, "Virtanen"), matti, "fi") == "Virtanen ja Masa Korhonen"


def test_c10_couple_problems():
    anna = person("Anna", "Virtanen")
    assert rules.couple_problems(anna, anna) == {"contact_ids": ["err.person_self_couple"]}
    firm = person("Oy", "Ab", id_="b", kind="organisation")
    assert rules.couple_problems(anna, firm)["contact_ids"][0]["code"] == "err.person_couple_organisation"
    assert rules.couple_problems(anna, person("Matti", "V", id_="c")) == {}


def test_c9_a_status_is_active_from_start_to_end_inclusive():
    day = date(2026, 11, 25)
    assert rules.is_active({"starts_on": day, "ends_on": day}, day)
    assert rules.is_active({"starts_on": date(2026, 1, 1), "ends_on": None}, day)
    assert not rules.is_active({"starts_on": date(2026, 1, 1), "ends_on": date(2026, 11, 24)}, day)
    assert not rules.is_active({"starts_on": date(2026, 11, 26), "ends_on": None}, day)


def test_c12_alternative_names_text_and_name_for_letters():
    names = [{"first_name": "Ольга", "last_name": "Иванова"}, {"first_name": None, "last_name": "Petrova"}]
    assert rules.alt_names_text(names) == "Ольга Иванова Petrova"
    assert rules.alt_names_text([]) is None
    contact = person("Olga", "Ivanova", preferred="Olja")
    assert rules.letter_name(contact, names) == "Olja Ivanova"
    names[1]["use_in_letters"] = True
    assert rules.letter_name(contact, names) == "Petrova"


def test_c14_death_date_rules():
    today = date(2026, 11, 25)
    assert rules.deceased_date_problem(date(2026, 11, 26), None, today) == "err.person_future_death"
    assert "err.person_death_before_birth" == rules.deceased_date_problem(
        date(1930, 1, 1), date(1940, 1, 1), today
    )
    assert rules.deceased_date_problem(today, date(1940, 1, 1), today) is None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("deceased", "maybe"),
        ("one_per_couple", "yes"),
        ("with_active_status", "Bad!"),
        ("exclude_active_status", ""),
    ],
)
def test_c9_c10_c14_filters_refuse_bad_values_by_name(name, value):
    function = {"deceased": filters.deceased, "one_per_couple": filters.one_per_couple,
                "with_active_status": filters.with_active_status,
                "exclude_active_status": filters.exclude_active_status}[name]  # fmt: skip
    with pytest.raises(ValidationFailed) as error:
        function(value)
    assert name in error.value.details
