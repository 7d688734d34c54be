"""C3 custom fields, pure rules: each type's validation and normalisation, text forms, keys, definitions."""

import pytest

from services.contacts.custom_fields import rules
from services.contacts.custom_fields.rules import InvalidValue, clean_value

CHOICES = [
    {"value": "varsinainen", "label_fi": "Varsinainen jäsen", "label_en": "Full member"},
    {"value": "kannatus", "label_fi": "Kannatusjäsen", "label_en": "Supporting member"},
]


def field(field_type, choices=()):
    return {"field_type": field_type, "choices": list(choices)}


@pytest.mark.parametrize(
    "raw, expected",
    [
        (42, 42),
        (1.5, 1.5),
        ("1 234,5", 1234.5),
        ("1234.5", 1234.5),
        ("-3", -3),
        ("1\u00a0000", 1000),
        ("7,0", 7),
    ],
)
def test_c3_numbers_accept_json_and_finnish_forms(raw, expected):
    assert clean_value(field("number"), raw) == expected


@pytest.mark.parametrize("raw", ["abc", "1.234,5", True, "1e5", [1], "1" * 20])
def test_c3_bad_numbers_are_refused(raw):
    with pytest.raises(InvalidValue):
        clean_value(field("number"), raw)


def test_c3_dates_iso_or_finnish_become_iso():
    assert clean_value(field("date"), "1.2.2024") == "2024-02-01"
    assert clean_value(field("date"), "2024-02-29") == "2024-02-29"
    for bad in ("30.2.2024", "2024/02/01", "huomenna", 20240201):
        with pytest.raises(InvalidValue, match="cf.err_date"):
            clean_value(field("date"), bad)


def test_c3_booleans_in_finnish_and_english():
    for raw in (True, "kyllä", "Yes", "1", 1):
        assert clean_value(field("boolean"), raw) is True
    for raw in (False, "ei", "no", "0", 0):
        assert clean_value(field("boolean"), raw) is False
    with pytest.raises(InvalidValue):
        clean_value(field("boolean"), "ehkä")


def test_c3_text_is_trimmed_limited_and_blank_clears():
    assert clean_value(field("text"), "  hei ") == "hei"
    assert clean_value(field("text"), "   ") is None
    assert clean_value(field("text"), None) is None
    with pytest.raises(InvalidValue) as too_long:
        clean_value(field("text"), "x" * 2001)
    assert too_long.value.entry == {"code": "contact.too_long", "params": {"max": 2000}}
    with pytest.raises(InvalidValue):
        clean_value(field("text"), 12)


def test_c3_choices_must_be_defined_and_multi_choices_distinct():
    assert clean_value(field("choice", CHOICES), "Kannatus") == "kannatus"
    with pytest.raises(InvalidValue, match="cf.err_choice"):
        clean_value(field("choice", CHOICES), "kunnia")
    multi = field("multi_choice", CHOICES)
    assert clean_value(multi, ["kannatus", "varsinainen"]) == ["varsinainen", "kannatus"]
    assert clean_value(multi, []) is None
    with pytest.raises(InvalidValue, match="twice"):
        clean_value(multi, ["kannatus", "kannatus"])


def test_c3_contact_link_is_a_uuid():
    value = clean_value(field("contact_link"), "8C4E1F2A-1111-4222-8333-944455556666")
    assert value == "8c4e1f2a-1111-4222-8333-944455556666"
    with pytest.raises(InvalidValue, match="cf.err_contact"):
        clean_value(field("contact_link"), "nobody")


def test_c3_value_text_forms_and_filter_forms():
    assert rules.value_text("number", 1234.5) == "1234.5"
    assert rules.value_text("number", 10) == "10"
    assert rules.value_text("boolean", False) == "false"
    assert rules.value_text("multi_choice", ["a", "b"]) == "|a|b|"
    forms = rules.filter_texts("1.2.2024")
    assert forms["date"] == "2024-02-01" and forms["number"] is None and forms["text"] == "1.2.2024"
    assert rules.filter_texts("1 000")["number"] == "1000"


def test_c3_keys_are_slugs_and_not_standard_names():
    assert rules.key_errors("jasenlaji") == []
    for bad in ("Jäsenlaji", "1st", "a-b", "", "x" * 61):
        assert rules.key_errors(bad)
    assert rules.key_errors("email") and rules.key_errors("custom")
    assert rules.slug_for("Jäsenlaji 2") == "jasenlaji_2"


def test_c3_definition_rules():
    assert rules.definition_errors({"field_type": "choice", "choices": []}) == {
        "choices": ["cf.err_choices_needed"]
    }
    assert "choices" in rules.definition_errors({"field_type": "text", "choices": CHOICES})
    assert "unique_values" in rules.definition_errors({"field_type": "boolean", "unique_values": True})
    assert "unique_values" in rules.definition_errors(
        {"field_type": "multi_choice", "choices": CHOICES, "unique_values": True}
    )
    assert rules.definition_errors({"field_type": "text", "unique_values": True}) == {}


def test_c3_choices_editor_lines_round_trip_and_are_checked():
    lines = "varsinainen | Varsinainen jäsen | Full member\n\nkannatus | Kannatusjäsen"
    choices = rules.clean_choices(rules.parse_choice_lines(lines))
    assert choices[1] == {"value": "kannatus", "label_fi": "Kannatusjäsen", "label_en": "Kannatusjäsen"}
    assert rules.parse_choice_lines(rules.choice_lines(choices)) == choices
    with pytest.raises(InvalidValue, match="twice"):
        rules.clean_choices([{"value": "a"}, {"value": "A"}])


def test_c3_display_values():
    assert rules.display_value(field("choice", CHOICES), "kannatus", "en") == "Supporting member"
    assert rules.display_value(field("number"), 1234.5, "fi") == "1234,5"
    assert rules.display_value(field("date"), "2024-02-01", "fi") == "1.2.2024"
    assert rules.display_value(field("boolean"), True, "fi") == "Kyllä"
