"""The 64-bit keys of a record's subject ids, which the audit log's GIN index holds instead of the ids'
text (issue 12 "audit at scale", issue 18).

A list page's record names 25 contacts, so every stored record adds ~25 entries to the index on who a
record is about. As text (a UUID is 36 characters, compared under the database's collation) those
entries were most of PostgreSQL's CPU per stored record; as ``bigint`` they are 8 bytes compared as
integers, and the index is a fraction of the size (bench/README.md: PostgreSQL's CPU per record 144 →
95 µs). The ids themselves stay in ``subject_ids``, which the hash chain covers; the keys are derived
from them, so a query asks for the key (the index) and for the id (the exact answer: two ids may share
a key): ``about``.

The key of a canonical UUID text is its last 64 bits (random in UUID versions 4 and 7), read as a signed
big-endian integer; of any other id, the first 8 bytes of the SHA-256 of its UTF-8 text. ``key_sql`` is
the same function in SQL (migration 0005 fills the keys of the records already stored);
tests/integration/test_audit_subject_keys.py checks the two agree.
"""

import hashlib
import struct

from sqlalchemy import ColumnElement, and_

from services.audit.contract import CANONICAL_UUID, CANONICAL_UUIDS
from services.audit.models import audit_events

_KEY = struct.Struct(">q")


def key_sql(text_sql: str) -> str:
    """``key_of`` in SQL, of the text that the SQL expression ``text_sql`` gives."""
    uuid = f"'^{CANONICAL_UUID.pattern}$'"  # the contract's pattern (plain POSIX: no Python-only syntax)
    last_64_bits = f"('x' || substr({text_sql}, 20, 4) || substr({text_sql}, 25, 12))::bit(64)::bigint"
    hashed = f"('x' || left(encode(sha256(convert_to({text_sql}, 'UTF8')), 'hex'), 16))::bit(64)::bigint"
    return f"CASE WHEN {text_sql} ~ {uuid} THEN {last_64_bits} ELSE {hashed} END"


def key_of(subject_id: str) -> int:
    """The key of one subject id (text)."""
    if CANONICAL_UUID.fullmatch(subject_id):
        return _KEY.unpack(bytes.fromhex(subject_id[19:23] + subject_id[24:36]))[0]
    return _KEY.unpack(hashlib.sha256(subject_id.encode("utf-8")).digest()[:8])[0]


def keys_of(subject_ids: list[str]) -> list[int]:
    """The keys of a record's subject ids, in their order; a list of canonical UUIDs (a list page's 25)
    is read in one go."""
    if subject_ids and CANONICAL_UUIDS.fullmatch(",".join(subject_ids)):
        raw = bytes.fromhex("".join([item[19:23] + item[24:] for item in subject_ids]))
        return list(struct.unpack(f">{len(subject_ids)}q", raw))
    return [key_of(item) for item in subject_ids]


def about(subject_id: str) -> ColumnElement[bool]:
    """The condition "the record's subject ids include ``subject_id``": its key through the GIN index, then
    the id itself (two ids may share a key)."""
    return and_(
        audit_events.c.subject_keys.contains([key_of(subject_id)]),
        audit_events.c.subject_ids.contains([subject_id]),
    )
