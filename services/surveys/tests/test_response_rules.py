"""Q2: reading LimeSurvey's JSON export, mapped answers as contact values, and what differs (pure)."""

import json

import pytest

from services.surveys.responses import rules


def test_q2_both_export_envelopes_are_read_in_id_order():
    flat = {"responses": [{"id": "2", "token": "b", "Q1": "x"}, {"id": 1, "token": "a", "Q1": "y"}]}
    wrapped = {"responses": [{"3": {"id": "3", "token": "c"}}]}
    assert [r["id"] for r in rules.parse_export(json.dumps(flat).encode())] == [1, 2]
    assert rules.parse_export(json.dumps(wrapped))[0]["token"] == "c"
    with pytest.raises(ValueError):
        rules.parse_export(b'{"rows": []}')


def test_q2_mapped_values_skip_empty_answers_and_turn_date_times_into_dates():
    response = {"kunta": " Oulu ", "synt": "1980-02-03 00:00:00", "tyhja": "", "paita": "L", "muu": "x"}
    mapping = {"kunta": "city", "synt": "birth_date", "tyhja": "phone", "paita": "custom.paita"}
    assert rules.mapped_values(response, mapping) == {
        "city": "Oulu",
        "birth_date": "1980-02-03",
        "custom": {"paita": "L"},
    }


def test_q2_changes_compare_emails_without_case_and_phones_without_spaces():
    contact = {
        "email": "Anna@Example.org",
        "phone": "+358401234567",
        "city": "Oulu",
        "custom": {"paita": "M"},
    }
    values = {
        "email": "anna@example.org",
        "phone": "+358 40 1234567",
        "city": "Turku",
        "custom": {"paita": "L"},
    }
    changes = rules.changes_for(contact, values)
    assert changes == {"city": {"from": "Oulu", "to": "Turku"}, "custom.paita": {"from": "M", "to": "L"}}
    assert rules.update_of(changes) == {"city": "Turku", "custom": {"paita": "L"}}


def test_q2_a_mapping_names_only_contact_fields_each_once():
    assert rules.mapping_errors({"Q1": "city", "Q2": "custom.paita"}) == {}
    errors = rules.mapping_errors({"Q1": "password", "Q 2": "city", "Q3": "custom.Bad Key", "Q4": "city"})
    assert errors == {
        "Q1": ["surveys.field_not_mappable"],
        "Q 2": ["surveys.question_code_invalid"],
        "Q3": ["surveys.custom_field_invalid"],
        "Q4": ["surveys.field_mapped_twice"],
    }
