"""Audit record v1 as the audit service accepts it, and the paging input of its RPCs (pure, no I/O)."""

import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from marshmallow import ValidationError

from piiri.audit import audit_record
from piiri.context import Actor
from piiri.errors import ValidationFailed
from services.audit.contract import (
    RECORD,
    AuditEvent,
    MalformedRecord,
    cursor_for,
    load_record,
    parse_cursor,
    parse_id,
    parse_limit,
    usual_record,
)

ACTOR = Actor(id="u-1", username="anna", permissions=("audit.view",))


def a_record(**overrides):
    record = audit_record(
        "contacts", "contact.viewed", ACTOR, "req-1", "contact", [uuid.uuid4()], fields=("email", "phone")
    )
    record.update(overrides)
    return record


def test_a_published_record_loads_as_published():
    record = a_record(details={"query": "virtanen"})
    loaded = load_record(record)
    assert loaded["event_id"] == uuid.UUID(record["event_id"])
    assert loaded["occurred_at"] == datetime.fromisoformat(record["occurred_at"])
    assert loaded["actor"] == {"id": "u-1", "username": "anna", "kind": "user"}
    assert loaded["subject_ids"] == record["subject_ids"]
    assert loaded["field_names"] == ["email", "phone"]
    assert loaded["details"] == {"query": "virtanen"}
    assert loaded["schema_version"] == 1


@pytest.mark.parametrize("missing", ["event_id", "action"])
def test_a_record_without_event_id_or_action_is_malformed(missing):
    record = a_record()
    del record[missing]
    with pytest.raises(MalformedRecord) as caught:
        load_record(record)
    assert missing in caught.value.errors


@pytest.mark.parametrize("body", [None, "text", 42, ["a", "list"], b"bytes"])
def test_a_body_that_is_not_an_object_is_malformed(body):
    with pytest.raises(MalformedRecord) as caught:
        load_record(body)
    assert "_schema" in caught.value.errors


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"event_id": "not-a-uuid"}, "event_id"),
        ({"action": ""}, "action"),
        ({"subject_ids": "one-id"}, "subject_ids"),
        ({"subject_ids": [True]}, "subject_ids"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"schema_version": "1"}, "schema_version"),
        ({"actor": {"username": "no id"}}, "actor"),
        ({"details": ["not", "a", "dict"]}, "details"),
    ],
)
def test_wrong_types_name_the_field(overrides, field):
    with pytest.raises(MalformedRecord) as caught:
        load_record(a_record(**overrides))
    assert field in caught.value.errors


def test_only_event_id_and_action_are_indispensable():
    event_id = str(uuid.uuid4())
    loaded = load_record({"event_id": event_id, "action": "contact.viewed"})
    assert loaded["actor"] is None
    assert loaded["occurred_at"] is None
    assert loaded["subject_ids"] == [] and loaded["field_names"] == [] and loaded["details"] == {}


def test_nulls_become_empty_and_unknown_keys_are_ignored():
    loaded = load_record(a_record(subject_ids=None, fields=None, details=None, extra="ignored"))
    assert (loaded["subject_ids"], loaded["field_names"], loaded["details"]) == ([], [], {})
    assert "extra" not in loaded


def test_ids_are_stored_in_one_canonical_form():
    subject = uuid.uuid4()
    loaded = load_record(a_record(subject_ids=[subject, str(subject).upper(), 7, "member-12"]))
    assert loaded["subject_ids"] == [str(subject), str(subject), "7", "member-12"]


def test_naive_times_are_taken_as_utc_and_datetimes_are_accepted_as_themselves():
    naive = load_record(a_record(occurred_at="2025-01-02T03:04:05"))
    assert naive["occurred_at"] == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    moment = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert load_record(a_record(occurred_at=moment))["occurred_at"] == moment


def test_details_become_plain_json_and_nul_characters_are_replaced():
    when = datetime(2025, 5, 1, tzinfo=UTC)
    an_id = uuid.uuid4()
    loaded = load_record(
        a_record(
            action="contact.\x00viewed",
            details={"at": when, "id": an_id, "sum": Decimal("1.50"), "bad": float("nan"), "k\x00": ["\x00"]},
        )
    )
    assert loaded["action"] == "contact.\ufffdviewed"
    assert loaded["details"] == {
        "at": when.isoformat(),
        "id": str(an_id),
        "sum": "1.50",
        "bad": "nan",
        "k\ufffd": ["\ufffd"],
    }


def test_an_event_is_returned_with_iso_times_and_a_fields_key():
    event_id = uuid.uuid4()
    dumped = AuditEvent().dump(
        {
            "seq": 3,
            "event_id": event_id,
            "occurred_at": datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
            "service": "contacts",
            "action": "contact.updated",
            "actor": {"id": "u-1", "username": "anna", "kind": "user"},
            "request_id": "req-1",
            "subject_type": "contact",
            "subject_ids": ["c-1"],
            "field_names": ["email"],
            "details": {},
        }
    )
    assert dumped["event_id"] == str(event_id)
    assert dumped["occurred_at"] == "2025-01-02T03:04:05+00:00"
    assert dumped["fields"] == ["email"]
    assert "seq" not in dumped and "field_names" not in dumped


@pytest.mark.parametrize("given, expected", [(None, 50), (1, 1), (500, 500), ("20", 20), (" 7 ", 7)])
def test_limits_from_1_to_500(given, expected):
    assert parse_limit(given) == expected


@pytest.mark.parametrize("given", [0, 501, -1, True, 2.5, "ten", "", "１２", [], {}])
def test_other_limits_fail_naming_the_limit(given):
    with pytest.raises(ValidationFailed) as caught:
        parse_limit(given)
    assert list(caught.value.details) == ["limit"]


@pytest.mark.parametrize(
    "given, expected", [(None, None), ("", None), ("42", 42), (42, 42), (cursor_for(9), 9)]
)
def test_cursors_are_the_seq_of_the_last_event_seen(given, expected):
    assert parse_cursor(given) == expected


@pytest.mark.parametrize("given", ["abc", "-1", "0", 0, "1.5", str(2**63), True, {"seq": 1}, "eyJtIjoiayJ9"])
def test_other_cursors_fail_naming_the_cursor(given):
    with pytest.raises(ValidationFailed) as caught:
        parse_cursor(given)
    assert list(caught.value.details) == ["cursor"]


def test_cursor_for_the_last_page_is_none():
    assert cursor_for(None) is None
    assert cursor_for(12) == "12"


def test_ids_from_callers_are_checked_and_made_canonical():
    an_id = uuid.uuid4()
    assert parse_id(str(an_id).upper(), "subject_id") == str(an_id)
    assert parse_id(an_id, "subject_id") == str(an_id)
    assert parse_id(" system ", "actor_id") == "system"


@pytest.mark.parametrize("given", ["", "   ", "x" * 201, None, True, {"id": 1}])
def test_bad_ids_fail_naming_the_argument(given):
    with pytest.raises(ValidationFailed) as caught:
        parse_id(given, "subject_id")
    assert list(caught.value.details) == ["subject_id"]


USUAL_BODIES = [
    json.loads(json.dumps(body))
    for body in (
        audit_record(
            "contacts",
            "contact.listed",
            Actor(id=str(uuid.uuid4()), username="anna", roles=("admin",), permissions=()),
            str(uuid.uuid4()),
            "contact",
            [uuid.uuid4() for _ in range(25)],
            fields=("first_name", "email"),
            details={"query": "äijälä", "returned": 25, "nested": {"a": [1, 2.5, None, True]}},
        ),
        {"event_id": str(uuid.uuid4()), "action": "x"},
        {
            "event_id": str(uuid.uuid4()).upper(),
            "action": "y",
            "occurred_at": "2026-01-02T03:04:05",
            "actor": {"id": "ABC", "extra": 1},
            "request_id": "req-1",
            "subject_ids": ["42", str(uuid.uuid4()).upper()],
            "fields": None,
            "details": None,
            "unknown": "\x00",
        },
        {
            "event_id": str(uuid.uuid4()),
            "action": "z",
            "occurred_at": "2026-01-02T03:04:05+02:00",
            "actor": None,
        },
    )
]
UNUSUAL_BODIES = [
    {"event_id": str(uuid.uuid4()), "action": "a\x00b"},
    {"event_id": str(uuid.uuid4()), "action": "a", "details": {"k": "v\x00"}},
    {"event_id": str(uuid.uuid4()), "action": "a", "details": {"k": float("nan")}},
    {"event_id": str(uuid.uuid4()), "action": "a", "subject_ids": [1, True]},
    {"event_id": str(uuid.uuid4()), "action": "a", "subject_ids": ["c-1", "c-\x002"]},
    {"event_id": str(uuid.uuid4()), "action": "a", "fields": ["email", None]},
    {"event_id": str(uuid.uuid4()), "action": "a", "fields": ("email",)},
    {"event_id": str(uuid.uuid4()), "action": "a", "schema_version": True},
    {"event_id": str(uuid.uuid4()), "action": "a", "actor": {"id": 5}},
    {"event_id": str(uuid.uuid4()), "action": "a", "details": {"when": datetime(2026, 1, 1, tzinfo=UTC)}},
    {"event_id": "not a uuid", "action": "a"},
    {"event_id": str(uuid.uuid4()), "action": ""},
]


@pytest.mark.parametrize("body", USUAL_BODIES)
def test_issue18_the_usual_record_is_read_without_marshmallow_exactly_as_marshmallow_reads_it(body):
    assert usual_record(body) == RECORD.load(body)
    assert load_record(body) == RECORD.load(body)


@pytest.mark.parametrize("body", UNUSUAL_BODIES)
def test_issue18_any_other_body_is_left_to_marshmallow(body):
    assert usual_record(body) is None
    try:
        expected = RECORD.load(body)
    except ValidationError:
        with pytest.raises(MalformedRecord):
            load_record(body)
    else:
        assert load_record(body) == expected
