"""The audit log's hash chain (S2): the canonical content of a stored record and the hash that links it
to the one before, ``hash = sha256(prev_hash || canonical JSON of the record's content)``.

Plain functions, no database: storage appends with them, verify.py and the migration recompute with them.
The content is every stored column that says what happened (not ``seq``, the row id, and not
``chain_seq``, whose order the links themselves prove). Canonical JSON: keys sorted, no whitespace,
UTF-8, timestamps as ISO 8601 in UTC. Changing any of this breaks every existing chain.

``details`` enter the content as ``details_digest`` = sha256(the row's ``details_salt`` || canonical JSON
of the details), not as themselves (G4): when a person is erased, redaction.py replaces the details of
the records about them and keeps that digest on the row, so the chain still verifies while the removed
values are gone; the salt, dropped at redaction, keeps the digest from being guessed back.
"""

import hashlib
import json
import uuid
from datetime import UTC, datetime

GENESIS = "0" * 64  # the prev_hash of record #1
CONTENT_FIELDS = (
    "event_id",
    "occurred_at",
    "recorded_at",
    "service",
    "action",
    "actor_id",
    "actor_username",
    "actor_kind",
    "request_id",
    "subject_type",
    "subject_ids",
    "fields",
    "details",
    "schema_version",
)


def _plain(value):
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("audit timestamps must be timezone-aware")
        return value.astimezone(UTC).isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def details_digest(salt, details):
    """The hex sha256 of the salt (text, '' for records older than salts) and the canonical details."""
    return _digest_of_json(salt, canonical_json(details))


def _digest_of_json(salt, details_json):
    """``details_digest`` of details already rendered as canonical JSON bytes."""
    return hashlib.sha256((salt or "").encode("utf-8") + details_json).hexdigest()


def content_of(row, details_json=None):
    """The hashed content of a stored row (a mapping with the audit_events columns): the details as
    their digest, kept on the row once they were redacted, computed from them until then
    (``details_json``: their canonical JSON, when the caller has it already)."""
    content = {name: _plain(row[name]) for name in CONTENT_FIELDS if name != "details"}
    digest = row.get("details_digest")
    if not digest:
        if details_json is None:
            details_json = canonical_json(_plain(row["details"]))
        digest = _digest_of_json(row.get("details_salt"), details_json)
    content["details_digest"] = digest
    return content


def canonical_json(content):
    """Sorted keys, no whitespace, UTF-8 bytes."""
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def chain_hash(prev_hash, content):
    """The hex sha256 of the previous record's hash (hex text) followed by this record's canonical JSON."""
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_json(content)).hexdigest()


# The consumer renders a record's canonical JSON before it takes the chain's head lock, with this text in
# place of recorded_at (known only under the lock); ``recorded_at_filler`` puts the time in (issue 18). Keys
# are unique and the content holds no nested object, so the slot occurs exactly once.
RECORDED_AT_SLOT = "piiri-recorded-at-slot"
_SLOT_BYTES = b'"recorded_at":"' + RECORDED_AT_SLOT.encode("ascii") + b'"'


def content_template(row, details_json=None):
    """``canonical_json(content_of(row))`` with recorded_at left as a slot (``details_json``: as for
    ``content_of``)."""
    return canonical_json(content_of({**row, "recorded_at": RECORDED_AT_SLOT}, details_json))


def recorded_at_filler(recorded_at):
    """A function giving the canonical JSON of a content once recorded_at is known (``content_template``'s
    slot filled): the time rendered once for many templates (a batch's records share their recorded_at)."""
    filled = b'"recorded_at":' + canonical_json(_plain(recorded_at))

    def fill(template):
        return template.replace(_SLOT_BYTES, filled, 1)

    return fill


def chain_hash_of_json(prev_hash, content_json):
    """``chain_hash`` of content already in canonical JSON."""
    return hashlib.sha256(prev_hash.encode("ascii") + content_json).hexdigest()


def row_hash(row):
    """What the stored ``hash`` of a row must be, given its own ``prev_hash`` and content."""
    return chain_hash(row["prev_hash"], content_of(row))
