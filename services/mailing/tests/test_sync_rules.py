"""M1: the pure rules of the Campaign Monitor sync: field types, values checked against Campaign Monitor's
limits (a clear error naming the field, never a silent truncation), import batches of at most 1,000, the
backoff, and the contacts an event names."""

from datetime import date

import pytest

from services.mailing.contract import errors
from services.mailing.sync import rules
from services.mailing.sync.events import contact_ids_of

TYPES = {"first_name": "Text", "birth_date": "Date", "custom.motto": "Text", "custom.joined": "Date"}
FIELDS = list(TYPES)


def member(**values):
    return {"id": "x", "email": "a@example.fi", "display_name": "Anna Aalto", "custom": {}, **values}


def test_m1_field_names_and_types():
    assert rules.cm_field_name("custom.member_no") == "member_no"
    assert rules.cm_field_name("city") == "city"
    assert rules.cm_data_type("birth_date", {}) == "Date"
    assert rules.cm_data_type("custom.joined", {"joined": "date"}) == "Date"
    assert rules.cm_data_type("custom.size", {"size": "number"}) == "Number"
    assert rules.cm_data_type("custom.tags", {"tags": "multi_choice"}) == "Text"


def test_m1_a_subscriber_row_in_campaign_monitors_shape():
    row = rules.subscriber_row(
        member(first_name="Anna", birth_date="1980-02-03", custom={"motto": "Aina", "joined": "2020-01-01"}),
        FIELDS,
        TYPES,
    )
    assert row["EmailAddress"] == "a@example.fi" and row["Name"] == "Anna Aalto"
    assert row["ConsentToTrack"] == "No"  # M4: no consent to tracking
    tracked = rules.subscriber_row(member(consent_to_track=True), FIELDS, TYPES)
    assert tracked["ConsentToTrack"] == "Yes"
    assert row["CustomFields"] == [
        {"Key": "[first_name]", "Value": "Anna"},
        {"Key": "[birth_date]", "Value": "1980/02/03"},
        {"Key": "[motto]", "Value": "Aina"},
        {"Key": "[joined]", "Value": "2020/01/01"},
    ]


def test_m1_an_empty_value_clears_the_field_at_campaign_monitor():
    row = rules.subscriber_row(member(first_name=None), ["first_name"], {"first_name": "Text"})
    assert row["CustomFields"] == [{"Key": "[first_name]", "Value": None, "Clear": True}]


def test_m1_a_value_over_250_characters_is_refused_naming_the_field_never_truncated():
    assert rules.cm_value("custom.motto", "Text", "x" * 250) == "x" * 250
    with pytest.raises(rules.RowProblem) as caught:
        rules.subscriber_row(member(custom={"motto": "x" * 251}), FIELDS, TYPES)
    assert caught.value.code == errors.VALUE_TOO_LONG
    assert caught.value.params == {"field": "custom.motto", "max": 250, "length": 251}


def test_m1_a_date_outside_1900_2076_is_refused_naming_the_field():
    assert rules.cm_value("birth_date", "Date", date(1900, 1, 1)) == "1900/01/01"
    assert rules.cm_value("birth_date", "Date", "2076-06-06") == "2076/06/06"
    for value in ("1899-12-31", "2076-06-07"):
        with pytest.raises(rules.RowProblem) as caught:
            rules.cm_value("birth_date", "Date", value)
        assert caught.value.code == errors.DATE_OUT_OF_RANGE and caught.value.params["field"] == "birth_date"


def test_m1_lists_and_booleans_become_text():
    assert rules.cm_value("custom.tags", "Text", ["a", "b"]) == "a, b"
    assert rules.cm_value("custom.ok", "Text", True) == "true"


def test_m1_imports_go_in_calls_of_at_most_1000():
    rows = list(range(2501))
    assert [len(batch) for batch in rules.batches(rows)] == [1000, 1000, 501]
    assert [len(batch) for batch in rules.batches(rows, 5000)] == [1000, 1000, 501]
    assert rules.batches([]) == []


def test_m1_backoff_doubles_up_to_a_most():
    assert [rules.backoff(n, 0.5, 30) for n in (1, 2, 3, 8, 20)] == [0.5, 1.0, 2.0, 30, 30]


def test_m1_the_contacts_an_event_names():
    one = "5662c4fb-91e4-4bc1-8707-01d1dbdf9aef"
    two = "52c4abac-8c60-42be-be11-5d3261586690"
    assert contact_ids_of({"contact_id": one}) == [one]
    assert contact_ids_of({"created_ids": [one], "updated_ids": [two, one]}) == [one, two]
    assert contact_ids_of({"survivor_id": one, "merged_ids": [two]}) == [one, two]
    assert contact_ids_of({"contact_id": "not-an-id"}) == []
    assert contact_ids_of(None) == []
