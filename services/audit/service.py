"""Nameko entrypoints of the audit service: the consumer that appends audit records, and the RPCs that read
the log (each read of the log is itself recorded, in the same transaction)."""

import logging

import eventlet
from nameko.messaging import consume
from nameko.rpc import rpc
from sqlalchemy.exc import DataError, IntegrityError

from piiri.audit import audit_record
from piiri.context import Context
from piiri.db import Database
from piiri.errors import EXPECTED_ERRORS
from piiri.messaging import AUDIT_QUEUE
from services.audit import storage
from services.audit.contract import (
    AuditEventPage,
    MalformedRecord,
    cursor_for,
    load_record,
    parse_cursor,
    parse_id,
    parse_limit,
)

log = logging.getLogger(__name__)

RETRY_DELAY = 1.0  # seconds before a record that could not be stored goes back to the queue
PAGE = AuditEventPage()


def _short(body, limit=2000):
    text = repr(body)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


class AuditService:
    name = "audit"

    db = Database("audit")
    context = Context()

    @consume(AUDIT_QUEUE, requeue_on_error=True)
    def store_record(self, body):
        """Append one record. Not a record: logged and acked. Database trouble: requeued after a pause."""
        try:
            record = load_record(body)
        except MalformedRecord as exc:
            log.error("audit: dropped a malformed record (%s): %s", exc.errors, _short(body))
            return False
        try:
            with self.db.transaction() as session:
                return storage.insert_event(session, record)
        except (DataError, IntegrityError) as exc:
            # The record itself is unstorable; retrying would loop forever. Keep it in the log.
            log.error("audit: dropped an unstorable record (%s): %r", exc.orig, body)
            return False
        except Exception:
            log.exception("audit: could not store record %s; requeueing", record["event_id"])
            eventlet.sleep(RETRY_DELAY)
            raise

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def ping(self):
        return storage.ping(self.db.session)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def events_for_subject(self, subject_id, limit=50, cursor=None):
        """Who touched this subject (a contact …): newest first, ``cursor`` from the previous page."""
        actor = self.context.require("audit.view")
        subject_id = parse_id(subject_id, "subject_id")
        limit, before = parse_limit(limit), parse_cursor(cursor)
        with self.db.transaction() as session:
            events, next_seq = storage.events_for_subject(session, subject_id, limit, before)
            subject_type = next((e["subject_type"] for e in events if e["subject_type"]), None)
            self._record_view(
                session, actor, "audit.subject_viewed", subject_type, subject_id, before, events
            )
        return PAGE.dump({"items": events, "next_cursor": cursor_for(next_seq)})

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def events_by_actor(self, actor_id, limit=50, cursor=None):
        """What this user (or token, or system) did: newest first, ``cursor`` from the previous page."""
        actor = self.context.require("audit.view")
        actor_id = parse_id(actor_id, "actor_id")
        limit, before = parse_limit(limit), parse_cursor(cursor)
        with self.db.transaction() as session:
            events, next_seq = storage.events_by_actor(session, actor_id, limit, before)
            self._record_view(session, actor, "audit.actor_viewed", "user", actor_id, before, events)
        return PAGE.dump({"items": events, "next_cursor": cursor_for(next_seq)})

    def _record_view(self, session, actor, action, subject_type, subject_id, before, events):
        """The audit service owns the log, so a read of it is appended directly, not published."""
        record = audit_record(
            self.name,
            action,
            actor,
            self.context.request_id,
            subject_type,
            [subject_id],
            details={"cursor": cursor_for(before), "returned": len(events)},
        )
        storage.insert_event(session, load_record(record))
