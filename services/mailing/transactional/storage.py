"""SQL of the transactional mails (models.mail_messages): queueing one idempotently, claiming due ones for
a worker (FOR UPDATE SKIP LOCKED: two workers never take the same mail), recording each outcome, the
message log of a person or of a reference, and erasure."""

import json
from datetime import timedelta

from sqlalchemy import and_, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.mailing.models import mail_messages

CLAIM_BATCH = 20


def queue(session, values):
    """Insert the mail unless its key is queued already: (row, True if new)."""
    inserted = (
        session.execute(
            pg_insert(mail_messages)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(mail_messages)
        )
        .mappings()
        .first()
    )
    if inserted is not None:
        return dict(inserted), True
    return by_key(session, values["key"]), False


def by_key(session, key):
    row = session.execute(select(mail_messages).where(mail_messages.c.key == key)).mappings().first()
    return dict(row) if row else None


def get(session, mail_id, lock=False):
    query = select(mail_messages).where(mail_messages.c.id == mail_id)
    row = session.execute(query.with_for_update() if lock else query).mappings().first()
    return dict(row) if row else None


def claim_due(session, lease_seconds, limit=CLAIM_BATCH):
    """Take up to ``limit`` mails that are due (queued and their time has come, or sending whose worker's
    lease ran out) for this worker: status sending, attempts + 1, leased for ``lease_seconds``."""
    now = func.now()
    due = (
        select(mail_messages.c.id)
        .where(
            or_(
                and_(mail_messages.c.status == "queued", mail_messages.c.next_attempt_at <= now),
                and_(mail_messages.c.status == "sending", mail_messages.c.lease_until < now),
            )
        )
        .order_by(mail_messages.c.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = [row.id for row in session.execute(due)]
    if not ids:
        return []
    rows = session.execute(
        update(mail_messages)
        .where(mail_messages.c.id.in_(ids))
        .values(
            status="sending",
            attempts=mail_messages.c.attempts + 1,
            lease_until=now + timedelta(seconds=lease_seconds),
        )
        .returning(mail_messages)
    ).mappings()
    return sorted((dict(row) for row in rows), key=lambda row: row["next_attempt_at"])


def settle(session, mail_id, status, code=None, detail=None):
    """Record a final outcome (sent, bounced, failed) of a mail this worker holds; the row after, or None
    when the mail is no longer the worker's (erased, or settled by a DSN meanwhile)."""
    stamp = {"sent": "sent_at", "bounced": "bounced_at", "failed": "failed_at"}[status]
    row = (
        session.execute(
            update(mail_messages)
            .where(mail_messages.c.id == mail_id, mail_messages.c.status == "sending")
            .values(status=status, code=code, detail=detail, lease_until=None, **{stamp: func.now()})
            .returning(mail_messages)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


SETTLE_SENT = text(
    "WITH settled AS ("
    " UPDATE mail_messages SET status = 'sent', code = NULL, detail = NULL, lease_until = NULL, sent_at = :at"
    " WHERE id = :id AND status = 'sending' RETURNING id)"
    " INSERT INTO outbox (event_id, channel, routing_key, payload, context)"
    " SELECT CAST(:event_id AS uuid), :channel, :routing_key,"
    " CAST(:payload AS jsonb), CAST(:context AS jsonb)"
    " FROM settled"
)


def settle_sent(connection, mail_id, at, event):
    """Record that a mail this worker holds was sent at ``at``, with its status event, in one statement (one
    round trip on an autocommit connection: the UPDATE and the outbox row commit together or not at all).
    ``event`` is (event id, channel, routing key, payload, context) of the outbox row; nothing is written
    when the mail is no longer the worker's (erased, or settled by a DSN meanwhile). True if settled."""
    event_id, channel, routing_key, payload, context = event
    values = {
        "id": mail_id,
        "at": at,
        "event_id": event_id,
        "channel": channel,
        "routing_key": routing_key,
        "payload": json.dumps(payload),
        "context": json.dumps(context),
    }
    return connection.execute(SETTLE_SENT, values).rowcount == 1


def retry_later(session, mail_id, wait_seconds, detail):
    session.execute(
        update(mail_messages)
        .where(mail_messages.c.id == mail_id, mail_messages.c.status == "sending")
        .values(
            status="queued",
            detail=detail,
            lease_until=None,
            next_attempt_at=func.now() + timedelta(seconds=wait_seconds),
        )
    )


def bounce_sent(session, mail_id, code, detail):
    """A DSN's hard bounce of a mail that was sent (or still sending): bounced; the row, or None."""
    row = (
        session.execute(
            update(mail_messages)
            .where(mail_messages.c.id == mail_id, mail_messages.c.status.in_(("sent", "sending", "queued")))
            .values(status="bounced", code=code, detail=detail, lease_until=None, bounced_at=func.now())
            .returning(mail_messages)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def of_reference(session, kind, reference_ids):
    if not reference_ids:
        return []
    rows = session.execute(
        select(mail_messages)
        .where(mail_messages.c.reference_kind == kind, mail_messages.c.reference_id.in_(reference_ids))
        .order_by(mail_messages.c.queued_at)
    ).mappings()
    return [dict(row) for row in rows]


def of_ids(session, mail_ids):
    if not mail_ids:
        return []
    rows = session.execute(select(mail_messages).where(mail_messages.c.id.in_(mail_ids))).mappings()
    return [dict(row) for row in rows]


def of_contact(session, contact_id):
    rows = session.execute(
        select(mail_messages)
        .where(mail_messages.c.contact_id == contact_id)
        .order_by(mail_messages.c.queued_at)
    ).mappings()
    return [dict(row) for row in rows]


def erase(session, contact_id):
    """Empty the person's messages (address, subject, body, attachments); a mail not yet sent is not sent:
    failed with mailing.mail_recipient_erased. The ids, statuses and times stay. [(id, was pending)]."""
    rows = session.execute(
        update(mail_messages)
        .where(mail_messages.c.contact_id == contact_id)
        .values(
            recipient=None,
            subject=None,
            body=None,
            detail=None,
            attachments=[],
            contact_id=None,
            erased_at=func.now(),
        )
        .returning(mail_messages.c.id, mail_messages.c.status)
    ).all()
    pending = [row.id for row in rows if row.status in ("queued", "sending")]
    if pending:
        session.execute(
            update(mail_messages)
            .where(mail_messages.c.id.in_(pending))
            .values(
                status="failed", code="mailing.mail_recipient_erased", failed_at=func.now(), lease_until=None
            )
        )
    return len(rows), pending


def latest(session, contact_id, status, limit, offset=0):
    """Mails newest first (of one contact, of one status), ``limit`` of them after the first ``offset``."""
    query = select(mail_messages)
    if contact_id is not None:
        query = query.where(mail_messages.c.contact_id == contact_id)
    if status is not None:
        query = query.where(mail_messages.c.status == status)
    query = query.order_by(mail_messages.c.queued_at.desc(), mail_messages.c.id)
    rows = session.execute(query.limit(limit).offset(offset)).mappings()
    return [dict(row) for row in rows]


def release(session, mail_ids):
    """Give claimed mails back untried (the connection broke before their turn): queued again now, the
    attempt not counted."""
    if mail_ids:
        session.execute(
            update(mail_messages)
            .where(mail_messages.c.id.in_(mail_ids), mail_messages.c.status == "sending")
            .values(status="queued", attempts=mail_messages.c.attempts - 1, lease_until=None)
        )
