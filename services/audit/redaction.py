"""Redacting the audit log after an erasure (G4): the log keeps the facts about an erased contact
(action, when, who acted, the contact id, which fields) and loses the personal values in ``details``
(a search's query text and filter values, a deleted contact's name …), without breaking the chain.

How it stays verifiable: the chain hashes ``sha256(details_salt || details)`` (chain.py). Redacting a
record stores that digest in ``details_digest``, drops the salt and replaces the details by the keys
that never hold personal values plus ``"redacted": [the keys removed]``, inside a transaction that set
``piiri.audit_redaction = on``; the database allows no other change (migration 0003). ``piiri audit
verify`` still checks every link, and a redacted record shows that it was redacted.
"""

from sqlalchemy import Text, any_, bindparam, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY, insert

from services.audit import subject_keys
from services.audit.chain import details_digest
from services.audit.models import audit_erased_subjects, audit_events

# Keys of ``details`` that hold ids, counts, settings or group/automation names, never a person's data.
KEPT_KEYS = frozenset(
    {
        "erasure_id",
        "services",
        "service",
        "summary",
        "contacts",
        "survivor_id",
        "merged_ids",
        "of",
        "group_id",
        "group_name",
        "starts_on",
        "ends_on",
        "include_subgroups",
        "automation_id",
        "automation_name",
        "event_type",
        "horizon_days",
        "from",
        "day",
        "count",
        "cursor",
        "returned",
        "saved_search_id",
        "change",
        "sort",
        "direction",
        "format",
        "redacted",
    }
)
BATCH = 1000


def redacted(details):
    """The details without any key that may hold personal values; None if nothing needs removing."""
    removed = sorted(key for key in details if key not in KEPT_KEYS)
    if not removed:
        return None
    kept = {key: value for key, value in details.items() if key in KEPT_KEYS}
    return {**kept, "redacted": sorted({*kept.get("redacted", []), *removed})}


def on_arrival(session, row):
    """Called before a record is appended: a record about an erased subject is stored redacted."""
    return on_arrival_rows(session, [row])[0]


ALL_ERASED_UP_TO = 1000  # erased subjects read whole by on_arrival_rows; more: looked up by a batch's ids


def on_arrival_rows(session, rows):
    """``on_arrival`` for many rows with one look-up of all their subjects (issue 18). It runs under the
    chain's head lock, so a batch's subject ids are only gathered when there is someone to look for."""
    if not any(row["details"] and row["subject_ids"] for row in rows):
        return rows
    # Few people are ever erased: read them all rather than send a batch's 12,500 subject ids (issue 18)
    erased = set(
        session.execute(select(audit_erased_subjects.c.subject_id).limit(ALL_ERASED_UP_TO + 1)).scalars()
    )
    if len(erased) > ALL_ERASED_UP_TO:
        subjects = {str(subject) for row in rows if row["details"] for subject in row["subject_ids"]}
        erased = set(
            session.execute(
                select(audit_erased_subjects.c.subject_id).where(
                    audit_erased_subjects.c.subject_id
                    == any_(bindparam("subjects", sorted(subjects), type_=ARRAY(Text)))
                )
            ).scalars()
        )
    if not erased:  # the usual case: nobody erased, or nobody of this batch
        return rows
    for row in rows:
        if row["details"] and not erased.isdisjoint(map(str, row["subject_ids"])):
            row["details"] = redacted(row["details"]) or row["details"]
    return rows


def redact_subject(session, subject_id, erasure_id, remember=True):
    """Redact every stored record about ``subject_id`` and remember the subject (idempotent);
    returns {"records": how many records name it, "redacted": how many were redacted now}."""
    if remember:  # a related subject (a saved search that named the person) lives on: not remembered
        session.execute(
            insert(audit_erased_subjects)
            .values(subject_id=subject_id, erasure_id=erasure_id)
            .on_conflict_do_nothing(index_elements=["subject_id"])
        )
    about = subject_keys.about(subject_id)
    total = session.execute(select(func.count()).select_from(audit_events).where(about)).scalar_one()
    done = _redact_where(session, about)
    session.execute(
        update(audit_erased_subjects)
        .where(audit_erased_subjects.c.subject_id == subject_id)
        .values(records_redacted=audit_erased_subjects.c.records_redacted + done)
    )
    return {"records": total, "redacted": done}


# Records that name no contact but may hold a person's values: a count's query, filters or expression
# (issue 12 item 4: its subject ids are empty), a file name (an import named after the person).
VALUE_ACTIONS = ("contact.counted",)


def redact_values(session, matcher):
    """Redact the records that name no erased subject but whose details hold the person's values: a
    count's query text or filters, a file name (``matcher``: piiri.erasure_keys.Matcher with the request's
    digests); returns how many were redacted. Only those records are read, a batch at a time."""
    named_file = or_(audit_events.c.details.has_key("filename"), audit_events.c.action.in_(VALUE_ACTIONS))
    return _redact_where(session, named_file, lambda details: matcher.redacted_value(details) != details)


def _redact_where(session, condition, holds=None):
    """Redact the details of the not yet redacted records matching ``condition`` (and ``holds(details)``,
    if given), a batch at a time in sequence order, keeping each original's digest (the chain stays
    verifiable); returns how many were redacted. The trigger refuses such an update unless the
    transaction says piiri.audit_redaction is on."""
    session.execute(text("SET LOCAL piiri.audit_redaction = 'on'"))
    done, after = 0, 0
    while True:
        rows = session.execute(
            select(audit_events.c.seq, audit_events.c.details, audit_events.c.details_salt)
            .where(condition, audit_events.c.details_digest.is_(None), audit_events.c.seq > after)
            .order_by(audit_events.c.seq)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        for row in rows:
            replacement = redacted(row.details)
            if replacement is not None and (holds is None or holds(row.details)):
                session.execute(
                    update(audit_events)
                    .where(audit_events.c.seq == row.seq)
                    .values(
                        details=replacement,
                        details_salt=None,
                        details_digest=details_digest(row.details_salt, row.details),
                    )
                )
                done += 1
        after = rows[-1].seq
    session.execute(text("SET LOCAL piiri.audit_redaction = 'off'"))
    return done
