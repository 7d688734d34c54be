"""C2 field validation of the contacts contract: each bad field is named, good input is normalised."""

from datetime import timedelta

import pytest
from marshmallow import ValidationError

from piiri import clock
from services.contacts.contract import ContactInput, WholeContactRules, normalise_phone


def load(data, partial=False):
    return ContactInput(partial=partial).load(data)


def test_a_minimal_person_gets_defaults():
    values = load({"last_name": " Äijälä "})
    assert values == {"last_name": "Äijälä", "kind": "person", "country": "FI", "language": "fi"}


def test_blank_form_fields_become_no_value():
    assert load({"last_name": "Virtanen", "email": "", "city": "  "})["email"] is None


@pytest.mark.parametrize(
    "field, value",
    [
        ("email", "not-an-address"),
        ("phone", "12"),
        ("birth_date", (clock.today() + timedelta(days=1)).isoformat()),
        ("birth_date", "31.2.1990"),
        ("kind", "robot"),
        ("language", "xx"),
        ("country", "Finland"),
        ("first_name", "x" * 101),
    ],
)
def test_each_bad_field_is_named(field, value):
    with pytest.raises(ValidationError) as error:
        load({"last_name": "Virtanen", field: value})
    assert field in error.value.messages


def test_unknown_fields_are_refused_by_name():
    with pytest.raises(ValidationError) as error:
        load({"last_name": "Virtanen", "shoe_size": 44})
    assert "shoe_size" in error.value.messages


def test_phone_numbers_are_normalised_to_e164():
    assert normalise_phone("040 123 4567") == "+358401234567"
    assert normalise_phone("+46 70 123 45 67") == "+46701234567"


def test_a_person_needs_a_name_and_an_organisation_needs_its_name():
    assert "last_name" in WholeContactRules().validate({"kind": "person", "country": "FI"})
    assert "organisation_name" in WholeContactRules().validate({"kind": "organisation", "country": "FI"})
    assert WholeContactRules().validate({"kind": "person", "first_name": "Anna", "country": "FI"}) == {}


def test_finnish_postal_codes_have_five_digits_but_foreign_ones_are_free():
    rules = WholeContactRules()
    assert "postal_code" in rules.validate(
        {"kind": "person", "last_name": "A", "postal_code": "123", "country": "FI"}
    )
    assert (
        rules.validate({"kind": "person", "last_name": "A", "postal_code": "SW1A 1AA", "country": "GB"}) == {}
    )


def test_issue13_item9_a_list_item_and_an_empty_text_give_codes_that_say_what_to_do():
    """Issue 13 item 9: a word among the round ages is ``contact.number_invalid`` (its message shows an
    example), not marshmallow's English; an empty name is "required", not "too short (at least 1)"."""
    from marshmallow import ValidationError

    from services.contacts.birthdays.contract import BirthdaySettingsInput
    from services.contacts.retention.contract import RuleInput

    try:
        BirthdaySettingsInput().load({"round_ages": [50, "kuusikymmentä"], "horizon_days": 30})
    except ValidationError as exc:
        assert exc.normalized_messages() == {"round_ages": {1: ["contact.number_invalid"]}}
    else:
        raise AssertionError("the ages were taken")
    try:
        RuleInput().load({"name": " ", "kind": "inactive", "config": {"years": 5}})
    except ValidationError as exc:
        assert exc.normalized_messages() == {"name": ["contact.required"]}
    else:
        raise AssertionError("the empty name was taken")
