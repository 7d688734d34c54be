"""All SQL of the audit service: appending records (idempotently by event id) and reading pages of the log."""

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert

from services.audit.models import audit_events


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
        "fields": list(record.get("field_names") or []),
        "details": record.get("details") or {},
        "schema_version": record.get("schema_version", 1),
    }


def insert_event(session, record):
    """Append a record unless its event id is already in the log; True if it was new."""
    statement = (
        insert(audit_events)
        .values(**row_for(record))
        .on_conflict_do_nothing(index_elements=[audit_events.c.event_id])
        .returning(audit_events.c.seq)
    )
    return session.execute(statement).first() is not None


def events_for_subject(session, subject_id, limit, before_seq=None):
    """Newest first: events whose subject ids include ``subject_id`` (GIN index on subject_ids)."""
    return _page(session, audit_events.c.subject_ids.contains([subject_id]), limit, before_seq)


def events_by_actor(session, actor_id, limit, before_seq=None):
    """Newest first: events the actor caused (index on actor_id, seq)."""
    return _page(session, audit_events.c.actor_id == actor_id, limit, before_seq)


def _page(session, condition, limit, before_seq):
    """One page newest first, keyset on seq; returns (events, seq to continue before or None)."""
    query = select(audit_events).where(condition)
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
    }


def ping(session):
    return session.execute(text("SELECT 1")).scalar_one() == 1
