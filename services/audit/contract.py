"""The audit service's contract: audit record v1 as received (built by ``piiri.audit.audit_record``),
audit events and pages as returned, and the paging input of its RPCs."""

import math
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, pre_load, validate

from piiri import clock
from piiri.errors import ValidationFailed, coded

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
EXPORT_PAGE = 1000
MAX_FILTER_LENGTH = 200
MAX_SEQ = 2**63 - 1
MAX_ID_LENGTH = 200


_UUID_PATTERN = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
CANONICAL_UUID = re.compile(_UUID_PATTERN)
CANONICAL_UUIDS = re.compile(rf"(?:{_UUID_PATTERN},)*{_UUID_PATTERN}")  # comma-joined


def canonical_id(value: object) -> str:
    """An identifier as stored and searched: UUIDs in their canonical lower-case form, other ids as text."""
    text = str(value)
    if CANONICAL_UUID.fullmatch(text):  # already canonical (the usual case): no UUID object needed
        return text
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return text


def canonical_ids(values: list[Any] | tuple[Any, ...]) -> list[str]:
    """``canonical_id`` of each; a list of canonical UUID texts (a list page's 25) is checked in one go."""
    if all(type(value) is str for value in values) and CANONICAL_UUIDS.fullmatch(",".join(values)):
        return list(values)
    return [canonical_id(value) for value in values]


def without_nul(value: Any) -> Any:
    """PostgreSQL text and jsonb cannot hold NUL: replace it everywhere in a decoded message."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {without_nul(key): without_nul(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [without_nul(item) for item in value]
    return value


def json_safe(value: object) -> Any:
    """``details`` as plain JSON: kombu may deliver datetimes, UUIDs and Decimals as themselves."""
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


class Identifier(fields.Field[str]):
    """An id as text: a string, a UUID or an integer (never a bool), UUIDs in canonical form."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> str:
        if isinstance(value, bool) or not isinstance(value, str | uuid.UUID | int):
            raise ValidationError("value.not_id")
        return canonical_id(value)

    def _serialize(self, value: object, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else str(value)


class Identifiers(fields.Field[list[str]]):
    """A list of ids (``Identifier`` each), read in one go: a list page's record names 25 contacts, and
    a field per item costs the batching consumer more than the rest of the record (issue 18)."""

    def _deserialize(
        self, value: object, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> list[str]:
        if not isinstance(value, list | tuple):
            raise ValidationError("value.not_list")
        errors = {
            index: ["value.not_id"]
            for index, item in enumerate(value)
            if isinstance(item, bool) or not isinstance(item, str | uuid.UUID | int)
        }
        if errors:
            raise ValidationError(errors)
        return canonical_ids(value)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> list[str] | None:
        return None if value is None else [str(item) for item in value]


class AuditActor(Schema):
    """Who acted: ``piiri.context.Actor.summary()``."""

    id = Identifier(required=True)
    username = fields.String(allow_none=True, load_default=None)
    kind = fields.String(allow_none=True, load_default=None)

    class Meta:
        unknown = EXCLUDE


class AuditRecord(Schema):
    """An audit record as published to ``piiri.audit`` (schema version 1).

    Only ``event_id`` and ``action`` are indispensable; everything else is kept if present, so that a
    record is dropped only when it cannot be an audit record at all.
    """

    event_id = fields.UUID(required=True)
    schema_version = fields.Integer(load_default=1, strict=True, validate=validate.Range(min=1))
    occurred_at = fields.AwareDateTime(default_timezone=UTC, allow_none=True, load_default=None)
    service = fields.String(allow_none=True, load_default=None)
    action = fields.String(required=True, validate=validate.Length(min=1))
    actor = fields.Nested(AuditActor, allow_none=True, load_default=None)
    request_id = Identifier(allow_none=True, load_default=None)
    subject_type = fields.String(allow_none=True, load_default=None)
    subject_ids = Identifiers(allow_none=True, load_default=list)
    field_names = fields.List(fields.String(), allow_none=True, load_default=list, data_key="fields")
    details = fields.Dict(keys=fields.String(), allow_none=True, load_default=dict)

    class Meta:
        unknown = EXCLUDE

    @pre_load
    def clean_text(self, data: object, **kwargs: object) -> object:
        return without_nul(data) if isinstance(data, dict) else data

    @post_load
    def fill_empty(self, data: dict[str, Any], **kwargs: object) -> dict[str, Any]:
        data["subject_ids"] = data["subject_ids"] or []
        data["field_names"] = data["field_names"] or []
        data["details"] = json_safe(data["details"] or {})
        return data


class MalformedRecord(Exception):
    """A message on the audit queue that is not an audit record; ``errors`` says why."""

    def __init__(self, errors: Mapping[str, Any] | list[Any]) -> None:
        super().__init__(errors)
        self.errors = errors


RECORD = AuditRecord()


def load_record(body: object) -> dict[str, Any]:
    """The record to store, or MalformedRecord if ``body`` is not an audit record."""
    if not isinstance(body, dict):
        raise MalformedRecord({"_schema": [f"Not an object but {type(body).__name__}."]})
    usual = usual_record(body)
    if usual is not None:
        return usual
    try:
        record: dict[str, Any] = RECORD.load(body)
        return record
    except ValidationError as exc:
        raise MalformedRecord(exc.normalized_messages()) from None


def _plain_json(value: object) -> bool:
    """True if ``value`` is JSON as a decoder gives it (str keys, no tuples, finite numbers) without NUL:
    what ``without_nul`` and ``json_safe`` leave as it is."""
    kind = type(value)
    if kind is str:
        return "\x00" not in value  # type: ignore[operator]
    if kind is dict:
        return all(
            type(key) is str and "\x00" not in key and _plain_json(item)
            for key, item in value.items()  # type: ignore[attr-defined]
        )
    if kind is list:
        return all(_plain_json(item) for item in value)  # type: ignore[attr-defined]
    if kind is float:
        return math.isfinite(value)  # type: ignore[arg-type]
    return value is None or kind is int or kind is bool


def _text_or_none(value: object) -> bool:
    return value is None or (type(value) is str and "\x00" not in value)


def _texts(items: object) -> bool:
    """True if ``items`` is a list of texts without NUL (one look at them all, joined)."""
    return type(items) is list and all(type(item) is str for item in items) and "\x00" not in "".join(items)


def usual_record(body: Mapping[str, Any]) -> dict[str, Any] | None:
    """What ``RECORD.load(body)`` gives, for a body of the usual shape (``piiri.audit.audit_record``'s, as
    JSON: text ids, an ISO timestamp, plain JSON details, no NUL anywhere), read without marshmallow,
    which costs the batching consumer more than the rest of a record (issue 12, 18); None for any other
    body, which marshmallow then reads (or refuses) as before. ``tests/test_contract.py`` checks both ways
    agree."""
    get = body.get
    event_id, action, version = get("event_id"), get("action"), get("schema_version", 1)
    if type(event_id) is not str or type(action) is not str or not action or "\x00" in action:
        return None
    if type(version) is not int or version < 1:
        return None
    texts = (get("service"), get("subject_type"))
    request_id, occurred_at = get("request_id"), get("occurred_at")
    if not all(_text_or_none(text) for text in (*texts, request_id, occurred_at)):
        return None
    actor = get("actor")
    if actor is not None:
        if type(actor) is not dict or type(actor.get("id")) is not str or "\x00" in actor["id"]:
            return None
        if not (_text_or_none(actor.get("username")) and _text_or_none(actor.get("kind"))):
            return None
        actor = {
            "id": canonical_id(actor["id"]),
            "username": actor.get("username"),
            "kind": actor.get("kind"),
        }
    subject_ids, names, details = get("subject_ids"), get("fields"), get("details")
    for items in (subject_ids, names):
        if items is not None and not _texts(items):
            return None
    if details is not None and (type(details) is not dict or not _plain_json(details)):
        return None
    try:
        parsed_id = uuid.UUID(event_id)
        when = None if occurred_at is None else datetime.fromisoformat(occurred_at)
    except ValueError:
        return None
    if when is not None and (when.tzinfo is None or when.tzinfo.utcoffset(when) is None):
        when = when.replace(tzinfo=UTC)
    return {
        "event_id": parsed_id,
        "schema_version": version,
        "occurred_at": when,
        "service": texts[0],
        "action": action,
        "actor": actor,
        "request_id": None if request_id is None else canonical_id(request_id),
        "subject_type": texts[1],
        "subject_ids": canonical_ids(subject_ids or ()),
        "field_names": list(names or ()),
        "details": dict(details or {}),
    }


class AuditEvent(Schema):
    """One event of the audit log as returned by ``events_for_subject`` / ``events_by_actor``."""

    event_id = fields.UUID(required=True)
    occurred_at = fields.DateTime(allow_none=True)
    service = fields.String(allow_none=True)
    action = fields.String(required=True)
    actor = fields.Nested(AuditActor, required=True)
    request_id = fields.String(allow_none=True)
    subject_type = fields.String(allow_none=True)
    subject_ids = fields.List(fields.String(), required=True)
    field_names = fields.List(fields.String(), data_key="fields", required=True)
    details = fields.Dict(required=True)
    chain_seq = fields.Integer(
        allow_none=True, metadata={"description": "Position in the tamper-evident chain (S2)."}
    )


class SubjectReader(Schema):
    actor_id = fields.String(allow_none=True)
    username = fields.String(allow_none=True)
    reads = fields.Integer(required=True)
    last_read_at = fields.DateTime(allow_none=True)


class SubjectReaders(Schema):
    """Who has read a subject's data (reads of the audit log about it not counted), latest first."""

    readers = fields.List(fields.Nested(SubjectReader), required=True)
    total_readers = fields.Integer(required=True)
    total_reads = fields.Integer(required=True)


class AuditEventPage(Schema):
    items = fields.List(fields.Nested(AuditEvent), required=True)
    next_cursor = fields.String(
        allow_none=True, metadata={"description": "Pass as `cursor` for the next page."}
    )
    readers = fields.Nested(
        SubjectReaders, metadata={"description": "Who has seen the subject's data (asked with_readers)."}
    )


def parse_id(value: object, name: str) -> str:
    """A subject or actor id given by a caller, as stored; ValidationFailed names the argument."""
    if isinstance(value, bool) or not isinstance(value, str | uuid.UUID | int):
        raise ValidationFailed("request.invalid_values", {name: ["value.not_id"]})
    text = str(value).strip()
    if not text or len(text) > MAX_ID_LENGTH:
        raise ValidationFailed("request.invalid_values", {name: [coded("value.length", max=MAX_ID_LENGTH)]})
    return canonical_id(text)


def _whole_number(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdecimal() and value.strip().isascii():
        return int(value.strip())
    return None


def parse_limit(limit: object) -> int:
    """Page size: a whole number from 1 to MAX_LIMIT (None means the default)."""
    if limit is None:
        return DEFAULT_LIMIT
    number = _whole_number(limit)
    if number is None or not 1 <= number <= MAX_LIMIT:
        raise ValidationFailed(
            "request.invalid_values", {"limit": [coded("value.range", min=1, max=MAX_LIMIT)]}
        )
    return number


def parse_cursor(cursor: object) -> int | None:
    """The ``seq`` a cursor names (events older than it come next), or None for the first page."""
    if cursor is None or cursor == "":
        return None
    number = _whole_number(cursor)
    if number is None or not 1 <= number <= MAX_SEQ:
        raise ValidationFailed("value.cursor", {"cursor": ["value.cursor"]})
    return number


def cursor_for(seq: int | None) -> str | None:
    return None if seq is None else str(seq)


# --- the organisation-wide search (G2) ---------------------------------------------------------------

SEARCH_FILTERS = ("actor", "action", "subject_type", "subject_id", "service", "since", "until", "request_id")


def _moment(value: str, name: str, end_of_day: bool) -> datetime:
    """'2026-03-05' (a day in the organisation's time zone, piiri.clock: its start, or with ``end_of_day``
    the next day's start) or an ISO timestamp (without an offset: the organisation's time) -> aware UTC."""
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = clock.start_of_day(day + timedelta(days=1 if end_of_day else 0))
        else:
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=clock.timezone())
    except ValueError:
        raise ValidationFailed("request.invalid_values", {name: ["value.not_moment"]}) from None
    return moment.astimezone(UTC)


def parse_filters(filters: object) -> dict[str, str | datetime]:
    """The filters of ``search_events`` as the storage uses them; an unknown or bad one is refused by name.

    ``actor`` matches a user id or a username; ``subject_id`` an id among the subjects; ``since`` and
    ``until`` bound ``occurred_at`` (both inclusive for whole days); empty values mean no filter.
    """
    if filters is None:
        return {}
    if not isinstance(filters, dict):
        raise ValidationFailed("request.invalid_values", {"filters": ["value.not_object"]})
    unknown = sorted(str(name) for name in filters if name not in SEARCH_FILTERS)
    if unknown:
        raise ValidationFailed(
            "request.invalid_values",
            {name: [coded("value.unknown_name", known=", ".join(SEARCH_FILTERS))] for name in unknown},
        )
    parsed: dict[str, str | datetime] = {}
    for name, value in filters.items():
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise ValidationFailed("request.invalid_values", {name: ["value.not_text"]})
        if len(value) > MAX_FILTER_LENGTH:
            raise ValidationFailed(
                "request.invalid_values", {name: [coded("value.too_long", max=MAX_FILTER_LENGTH)]}
            )
        if name == "subject_id":
            parsed[name] = parse_id(value, name)
        elif name in ("since", "until"):
            parsed[name] = _moment(value, name, end_of_day=name == "until")
        elif value.strip():
            parsed[name] = canonical_id(value.strip()) if name in ("actor", "request_id") else value.strip()
    since, until = parsed.get("since"), parsed.get("until")
    if isinstance(since, datetime) and isinstance(until, datetime) and since >= until:
        raise ValidationFailed("request.invalid_values", {"until": ["value.before_start"]})
    return parsed


def filters_as_text(parsed: Mapping[str, str | datetime]) -> dict[str, str]:
    """Parsed filters as JSON-able text for an audit record's details."""
    return {
        name: value.isoformat() if isinstance(value, datetime) else value for name, value in parsed.items()
    }


class ChainFinding(Schema):
    kind = fields.String(
        required=True, metadata={"description": "altered, removed, reordered, truncated or checkpoint"}
    )
    seq = fields.Integer(required=True, metadata={"description": "The chain position it concerns."})
    message = fields.String(required=True)


class ChainReport(Schema):
    """The result of verifying the audit log's hash chain (S2)."""

    intact = fields.Boolean(required=True)
    records = fields.Integer(required=True, metadata={"description": "Records walked."})
    last_seq = fields.Integer(required=True)
    last_hash = fields.String(required=True)
    head_seq = fields.Integer(allow_none=True)
    checkpoint_seq = fields.Integer(allow_none=True)
    problems = fields.Integer(required=True, metadata={"description": "All findings, also those not listed."})
    findings = fields.List(fields.Nested(ChainFinding), required=True)
    verified_at = fields.DateTime(required=True)
    seconds = fields.Float(required=True)
