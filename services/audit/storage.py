"""All SQL of the audit service: appending records to the hash chain (idempotently by event id), reading
pages of the log, and what verifying the chain reads (batches, the head, checkpoints)."""

import json
import math
import secrets
import time
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import Text, any_, bindparam, func, or_, select, text
from sqlalchemy.dialects.postgresql import ARRAY, UUID, insert

from services.audit import redaction, subject_keys
from services.audit.chain import (
    GENESIS,
    canonical_json,
    chain_hash_of_json,
    content_template,
    recorded_at_filler,
)
from services.audit.copying import copy_rows
from services.audit.models import (
    CHANGES_SQL,
    DATA_READS_SQL,
    SUBJECT_INDEX,
    audit_chain_checkpoints,
    audit_chain_head,
    audit_events,
)


def row_for(record):
    """Column values of a record loaded by ``contract.load_record``."""
    actor = record.get("actor") or {}
    return {
        "event_id": record["event_id"],
        "occurred_at": record.get("occurred_at"),
        "service": record.get("service"),
        "action": record["action"],
        "actor_id": actor.get("id"),
        "actor_username": actor.get("username"),
        "actor_kind": actor.get("kind"),
        "request_id": record.get("request_id"),
        "subject_type": record.get("subject_type"),
        "subject_ids": list(record.get("subject_ids") or []),
        "subject_keys": subject_keys.keys_of(list(record.get("subject_ids") or [])),  # the index's (0005)
        "fields": list(record.get("field_names") or []),
        "details": record.get("details") or {},
        "schema_version": record.get("schema_version", 1),
    }


MAX_INTEGER = 2**31 - 1


class UnstorableRecord(ValueError):
    """A record PostgreSQL could never hold (text that is not UTF-8, a number out of range …)."""


def insert_event(session, record):
    """Append one record (see ``insert_rows``); True if it was new. The audit service's own reads of the
    log and its access reports append this way, in the caller's transaction."""
    return insert_rows(session, [prepared_row(record)])[0]


def prepared_row(record):
    """The stored columns of a loaded record, before it is chained: ``details`` as jsonb gives them back
    (computed here, not by a database round trip) and a fresh salt. UnstorableRecord if the database
    could never hold it, so a batch is not failed by one bad record."""
    row = row_for(record)
    try:
        row["details"] = as_jsonb(row["details"])
        for name, value in row.items():
            if name != "details":
                _check_text(value)
    except (ValueError, TypeError, RecursionError) as exc:
        raise UnstorableRecord(f"{type(exc).__name__}: {exc}") from None
    if not 1 <= row["schema_version"] <= MAX_INTEGER:
        raise UnstorableRecord(f"schema_version {row['schema_version']} is out of range")
    row["details_salt"] = secrets.token_hex(16)
    return row


def insert_rows(session, rows, times=None):
    """Append prepared rows (``prepared_row``) to the chain in one go, each unless its event id is
    already in the log (or earlier in ``rows``); returns, per row, True if it was new (issue 12, 18).

    One head lock, one duplicate check, one redaction look-up, one binary COPY of the new rows and one
    head update, however many rows: the chain is extended record by record in Python. The chain head row
    is locked FOR UPDATE until the caller's transaction ends, so appends from any number of consumers are
    serialised: positions are gap-free and in commit order, and no two records ever link to the same
    predecessor. What does not depend on the chain is done before the lock: each record's canonical JSON
    (recorded_at as a slot) and its details as the JSON text the COPY sends, so under it only the time is
    put in, the hashes are chained and the rows are copied (issue 12, 18). ``times``, if given, gets
    ``locked``: time.perf_counter() once the head is locked.
    """
    prepared = {id(row): _before_lock(row) for row in rows}
    last_seq, last_hash = lock_head(session)
    if times is not None:
        times["locked"] = time.perf_counter()
    ids = list({row["event_id"] for row in rows})
    seen = set(
        session.execute(
            select(audit_events.c.event_id).where(
                audit_events.c.event_id == any_(bindparam("event_ids", ids, type_=ARRAY(UUID(as_uuid=True))))
            )
        ).scalars()
    )
    results, new = [], []
    for row in rows:
        fresh = row["event_id"] not in seen
        seen.add(row["event_id"])
        results.append(fresh)
        if fresh:
            new.append((dict(row), *prepared[id(row)]))
    if not new:
        return results
    details = [row["details"] for row, _, _ in new]
    redaction.on_arrival_rows(session, [row for row, _, _ in new])  # G4: about an erased contact: redacted
    recorded_at = datetime.now(UTC)
    fill = recorded_at_filler(recorded_at)
    chained = []
    for (row, template, details_json), before in zip(new, details, strict=True):
        if row["details"] is not before:  # redacted just now: its content changed
            template, details_json = _before_lock(row)
        row["recorded_at"] = recorded_at
        row["chain_seq"], row["prev_hash"] = last_seq + 1, last_hash
        row["hash"] = chain_hash_of_json(last_hash, fill(template))
        last_seq, last_hash = row["chain_seq"], row["hash"]
        chained.append((row, details_json))
    copy_rows(session, chained)
    session.execute(
        audit_chain_head.update()
        .where(audit_chain_head.c.id == 1)
        .values(last_seq=last_seq, last_hash=last_hash)
    )
    return results


# A transaction-level advisory lock: one process at a time merges the subject index's pending entries.
MERGING_LOCK = 0x61756469745F67  # "audit_g"


def merge_subject_index(session):
    """Merge the pending entries of the GIN index on the subject keys into the index proper, in the caller's
    own short transaction, outside the chain's head lock (issue 12, 18); False if another process is at
    it (skipped, not waited for).

    With ``fastupdate`` (PostgreSQL's default) an insert only appends a row's 25 subject keys to the
    index's pending list; merging the list into the index, ~70 % of an append's database time, falls
    to whichever insert finds the list over ``gin_pending_list_limit`` (4 MB), that is, to a batch under
    the head lock, where every other consumer waits for it. Merged by the consumers every
    AUDIT_MERGE_EVERY records (service.py), the list never grows that far, so the appends under the lock
    only append."""
    if not session.execute(select(func.pg_try_advisory_xact_lock(MERGING_LOCK))).scalar_one():
        return False
    session.execute(select(func.gin_clean_pending_list(text(f"'{SUBJECT_INDEX}'::regclass"))))
    return True


def _before_lock(row):
    """(the row's canonical content with recorded_at as a slot, its details as the JSON text the COPY
    sends): the details are rendered once, canonically, for both their digest and the COPY."""
    details_json = canonical_json(row["details"])
    return content_template(row, details_json), details_json


def as_jsonb(value):
    """``value`` as PostgreSQL's jsonb gives it back, so the hash is of what is stored: jsonb keeps a
    number's digits but writes it without an exponent (1e+16 comes back as the integer
    10000000000000000, 1.5e-07 as 0.00000015) and has no negative zero. Raises ValueError for what
    jsonb refuses (text that is not UTF-8). Key order does not matter: the hash sorts keys."""
    if isinstance(value, dict):
        return {_checked(key): as_jsonb(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [as_jsonb(item) for item in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return _checked(value)
    if isinstance(value, int):
        json.dumps(value)  # an integer too long for text raises ValueError here, as it would on insert
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("jsonb holds no NaN or infinity")
        number = Decimal(repr(value))
        return json.loads(format(abs(number) if number == 0 else number, "f"))
    raise TypeError(f"not JSON: {type(value).__name__}")


def _checked(text):
    if "\x00" in text:
        raise ValueError("text holds a NUL character")
    text.encode("utf-8")  # a lone surrogate raises UnicodeEncodeError (a ValueError)
    return text


def _check_text(value):
    if isinstance(value, str):
        _checked(value)
    elif isinstance(value, list | tuple):
        if all(type(item) is str for item in value):
            _checked("".join(value))  # one look for NUL and lone surrogates (Python never pairs them)
            return
        for item in value:
            _check_text(item)


def lock_head(session):
    """(last_seq, last_hash) of the chain, locked for this transaction. A missing head row (a fresh or
    emptied database) is recreated from the last stored record, so an append never forks the chain."""
    locked = select(audit_chain_head.c.last_seq, audit_chain_head.c.last_hash).where(
        audit_chain_head.c.id == 1
    )
    head = session.execute(locked.with_for_update()).first()
    if head is None:
        last = last_record(session)
        session.execute(
            insert(audit_chain_head)
            .values(id=1, last_seq=last[0], last_hash=last[1])
            .on_conflict_do_nothing(index_elements=[audit_chain_head.c.id])
        )
        head = session.execute(locked.with_for_update()).first()
    return head.last_seq, head.last_hash


def last_record(session):
    """(chain_seq, hash) of the last record in the chain, or (0, GENESIS) for an empty log."""
    row = session.execute(
        select(audit_events.c.chain_seq, audit_events.c.hash)
        .order_by(audit_events.c.chain_seq.desc())
        .limit(1)
    ).first()
    return (row.chain_seq, row.hash) if row else (0, GENESIS)


def read_head(session):
    """(last_seq, last_hash) of the head row without locking it, or None if there is none."""
    row = session.execute(
        select(audit_chain_head.c.last_seq, audit_chain_head.c.last_hash).where(audit_chain_head.c.id == 1)
    ).first()
    return (row.last_seq, row.last_hash) if row else None


def chain_batch(session, after_seq, size):
    """Up to ``size`` stored rows (as dicts) after chain position ``after_seq``, in chain order."""
    rows = session.execute(
        select(audit_events)
        .where(audit_events.c.chain_seq > after_seq)
        .order_by(audit_events.c.chain_seq)
        .limit(size)
    ).all()
    return [dict(row._mapping) for row in rows]


def seq_with_hash(session, hash_value):
    """The chain position of the record whose hash is ``hash_value``, or None (unique index on hash)."""
    return session.execute(
        select(audit_events.c.chain_seq).where(audit_events.c.hash == hash_value)
    ).scalar_one_or_none()


def latest_checkpoint(session):
    row = session.execute(
        select(audit_chain_checkpoints).order_by(audit_chain_checkpoints.c.id.desc()).limit(1)
    ).first()
    return dict(row._mapping) if row else None


def add_checkpoint(session, last_seq, last_hash, records):
    session.execute(
        insert(audit_chain_checkpoints).values(last_seq=last_seq, last_hash=last_hash, records=records)
    )


def search_events(session, filters, limit, before_seq=None):
    """Newest first: events matching every given filter (see contract.SearchFilters)."""
    c = audit_events.c
    conditions = []
    if filters.get("actor"):
        conditions.append(or_(c.actor_id == filters["actor"], c.actor_username == filters["actor"]))
    for name, column in (
        ("action", c.action),
        ("service", c.service),
        ("subject_type", c.subject_type),
        ("request_id", c.request_id),
    ):
        if filters.get(name):
            conditions.append(column == filters[name])
    if filters.get("subject_id"):
        conditions.append(subject_keys.about(filters["subject_id"]))
    if filters.get("since"):
        conditions.append(c.occurred_at >= filters["since"])
    if filters.get("until"):
        conditions.append(c.occurred_at < filters["until"])
    return _page(session, conditions, limit, before_seq)


def events_for_subject(session, subject_id, limit, before_seq=None):
    """Newest first: events whose subject ids include ``subject_id`` (the GIN index on their keys)."""
    return _page(session, [subject_keys.about(subject_id)], limit, before_seq)


def readers_of_subject(session, subject_id, limit):
    """Who has read the subject's data, the latest reader first: [{actor_id, username, reads, last_read_at}]
    (at most ``limit``), and how many reads and readers there are in all. A read is a request: opening a
    contact's page records the contact and its change history, one read to a person, not two (records
    without a request id count one each)."""
    events = audit_events.c
    reads = [subject_keys.about(subject_id), text(DATA_READS_SQL)]
    request = func.coalesce(events.request_id, func.cast(events.event_id, Text))
    per_reader = (
        select(
            events.actor_id,
            func.max(events.actor_username).label("username"),
            func.count(func.distinct(request)).label("reads"),
            func.max(events.occurred_at).label("last_read_at"),
        )
        .where(*reads)
        .group_by(events.actor_id)
        .subquery()
    )
    totals = session.execute(select(func.count(), func.coalesce(func.sum(per_reader.c.reads), 0))).one()
    rows = session.execute(
        select(per_reader).order_by(per_reader.c.last_read_at.desc().nulls_last()).limit(limit)
    ).all()
    return {
        "readers": [dict(row._mapping) for row in rows],
        "total_readers": totals[0],
        "total_reads": int(totals[1]),
    }


def events_by_actor(session, actor_id, limit, before_seq=None):
    """Newest first: events the actor caused (index on actor_id, seq)."""
    return _page(session, [audit_events.c.actor_id == actor_id], limit, before_seq)


def changes_by_actor(session, actor_id, limit):
    """The actor's last ``limit`` changes (not reads), newest first (index audit_events_actor_changes)."""
    return _page(session, [audit_events.c.actor_id == actor_id, text(CHANGES_SQL)], limit, None)[0]


def _page(session, conditions, limit, before_seq):
    """One page newest first, keyset on seq; returns (events, seq to continue before or None)."""
    query = select(audit_events).where(*conditions)
    if before_seq is not None:
        query = query.where(audit_events.c.seq < before_seq)
    rows = session.execute(query.order_by(audit_events.c.seq.desc()).limit(limit + 1)).all()
    events = [as_event(row) for row in rows[:limit]]
    next_seq = rows[limit - 1].seq if len(rows) > limit else None
    return events, next_seq


def as_event(row):
    data = row._mapping
    return {
        "seq": data["seq"],
        "event_id": data["event_id"],
        "occurred_at": data["occurred_at"],
        "recorded_at": data["recorded_at"],
        "service": data["service"],
        "action": data["action"],
        "actor": {"id": data["actor_id"], "username": data["actor_username"], "kind": data["actor_kind"]},
        "request_id": data["request_id"],
        "subject_type": data["subject_type"],
        "subject_ids": list(data["subject_ids"]),
        "field_names": list(data["fields"]),
        "details": data["details"],
        "chain_seq": data["chain_seq"],
    }


def ping(session):
    return session.execute(text("SELECT 1")).scalar_one() == 1
