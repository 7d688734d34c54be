"""The binary COPY that appends a batch of chained rows to ``audit_events`` (issue 12, 18): one stream of
rows in PostgreSQL's binary format instead of an INSERT per row, so neither psycopg (text arrays with
quoting, jsonb) nor PostgreSQL (parsing them) spends its time on text while the chain's head is locked.

Only the chain's SQL in storage.py calls it, inside its transaction and under the head lock."""

import struct

import psycopg
from psycopg.adapt import Dumper
from psycopg.postgres import types
from psycopg.pq import Format
from psycopg.types.json import Jsonb
from sqlalchemy.exc import DBAPIError

# The columns an append writes (seq, the row id, comes from its sequence; details_digest stays empty
# until a redaction) and their PostgreSQL types.
COPIED = (
    ("event_id", "uuid"),
    ("occurred_at", "timestamptz"),
    ("recorded_at", "timestamptz"),
    ("service", "text"),
    ("action", "text"),
    ("actor_id", "text"),
    ("actor_username", "text"),
    ("actor_kind", "text"),
    ("request_id", "text"),
    ("subject_type", "text"),
    ("subject_ids", "text[]"),
    ("subject_keys", "int8[]"),
    ("fields", "text[]"),
    ("details", "jsonb"),
    ("schema_version", "int4"),
    ("details_salt", "text"),
    ("chain_seq", "int8"),
    ("prev_hash", "text"),
    ("hash", "text"),
)
COPY_SQL = f"COPY audit_events ({', '.join(name for name, _ in COPIED)}) FROM STDIN (FORMAT BINARY)"
NAMES = tuple(name for name, _ in COPIED)
DETAILS = NAMES.index("details")

TEXT_OID = types["text"].oid
_ARRAY_HEAD = struct.Struct("!iiIii")  # dimensions, has nulls, element type, length, lower bound
_EMPTY_ARRAY = struct.pack("!iiI", 0, 0, TEXT_OID)
_LENGTH = struct.Struct("!i")
_NULL = _LENGTH.pack(-1)


class TextListBinaryDumper(Dumper):
    """A flat list of texts as a binary text[]: what psycopg's generic list dumper makes of it, with one
    join instead of a few calls per element (a list page's record holds 25 subject ids)."""

    format = Format.BINARY
    oid = types["text"].array_oid

    def dump(self, obj):
        if not obj:
            return _EMPTY_ARRAY
        if None not in obj:
            encoded = [item.encode("utf-8") for item in obj]
            size = len(encoded[0])
            if all(len(data) == size for data in encoded):  # ids of one kind (UUIDs): one join
                prefix = _LENGTH.pack(size)
                return _ARRAY_HEAD.pack(1, 0, TEXT_OID, len(obj), 1) + prefix + prefix.join(encoded)
        parts = [_ARRAY_HEAD.pack(1, any(item is None for item in obj), TEXT_OID, len(obj), 1)]
        for item in obj:
            if item is None:
                parts.append(_NULL)
            else:
                data = item.encode("utf-8")
                parts.append(_LENGTH.pack(len(data)))
                parts.append(data)
        return b"".join(parts)


def _as_is(json_text):
    return json_text


def copy_rows(session, chained):
    """COPY the chained rows ((row, its details as canonical JSON bytes) pairs) into audit_events in the
    session's transaction. psycopg's errors come out as SQLAlchemy's (DataError, IntegrityError …), as
    from ``session.execute``, so callers tell a bad record from a lost database the same way."""
    connection = session.connection()
    driver = connection.connection.driver_connection
    try:
        with driver.cursor() as cursor:
            cursor.adapters.register_dumper(None, TextListBinaryDumper)  # this cursor's COPY only
            with cursor.copy(COPY_SQL) as copy:
                copy.set_types([kind for _, kind in COPIED])
                for row, details_json in chained:
                    values = [row[name] for name in NAMES]
                    values[DETAILS] = Jsonb(details_json, dumps=_as_is)
                    copy.write_row(values)
    except psycopg.Error as exc:
        lost = driver.broken or driver.closed
        if lost:
            connection.invalidate(exc)
        raise DBAPIError.instance(COPY_SQL, None, exc, psycopg.Error, connection_invalidated=lost) from exc
