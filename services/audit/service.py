"""Nameko entrypoints of the audit service: the consumer that appends audit records, and the RPCs that read
the log (each read of the log is itself recorded, in the same transaction)."""

import logging
import os
import time

from nameko.rpc import rpc
from sqlalchemy.exc import DataError, IntegrityError, ProgrammingError, SQLAlchemyError

from piiri.audit import audit_record
from piiri.dead_letters import Unprocessable
from piiri.errors import EXPECTED_ERRORS, PermissionDenied
from piiri.messaging import AUDIT_QUEUE
from services.audit import storage, verify
from services.audit.batching import batch_consume
from services.audit.contract import (
    EXPORT_PAGE,
    AuditEventPage,
    ChainReport,
    MalformedRecord,
    SubjectReaders,
    cursor_for,
    filters_as_text,
    load_record,
    parse_cursor,
    parse_filters,
    parse_id,
    parse_limit,
)
from services.audit.core import SERVICE, AuditCore
from services.audit.erasure import AuditErasure

log = logging.getLogger(__name__)

PAGE = AuditEventPage()
READERS = SubjectReaders()
READERS_SHOWN = 10
CHAIN_REPORT = ChainReport()
VERIFY_PERMISSION = "users.manage"  # verifying walks the whole log: administrators only


# Measuring the chain's head lock (bench/audit_bench.py --lock-times): a file to which each stored batch
# appends "records seconds-waiting-for-the-lock seconds-holding-it" (held: until the commit returned).
LOCK_TIMES = os.environ.get("PIIRI_AUDIT_LOCK_TIMES")
# Records this process stored since it last merged the subject index, and whether the database role may
# merge it at all (told once). Merged every AUDIT_MERGE_EVERY records (default MERGE_EVERY): often enough
# that the pending list (under 1.3 kB a record) stays under PostgreSQL's 4 MB gin_pending_list_limit with two
# consumers, rarely enough that a quiet log (a read at a time) does not pay a merge and its commit for
# every record: after each batch, that made the end-to-end tests a third slower.
MERGE_EVERY = 1000
_MERGE = {"refused": False, "unmerged": 0}


def _note_lock_times(records, times, committed):
    locked = times.get("locked", committed)  # no lock: nothing was new
    with open(LOCK_TIMES, "a", encoding="utf-8") as out:
        out.write(f"{records} {locked - times['started']:.6f} {committed - locked:.6f}\n")


def _short(body, limit=2000):
    text = repr(body)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


class AuditLogRpc(AuditCore):
    """The log itself: storing the records, reading, exporting and verifying it."""

    @batch_consume(AUDIT_QUEUE)
    def store_records(self, bodies):
        """Append a batch of records in one transaction (issue 12, issue 18): one outcome per body, True
        stored, False already in the log (by event id), or ``Unprocessable`` for one that is not a record
        or that the database cannot hold; the entrypoint (batching.py) dead-letters those at once. A
        record is never dropped (issue 11 item 6). Database trouble: raised, so the whole batch is
        retried with growing pauses and dead-lettered only after DEAD_LETTER_AFTER failures."""
        outcomes, rows = [None] * len(bodies), []
        for index, body in enumerate(bodies):
            try:
                rows.append((index, storage.prepared_row(load_record(body))))
            except MalformedRecord as exc:
                log.error(
                    "audit: a malformed record goes to the dead letters (%s): %s", exc.errors, _short(body)
                )
                outcomes[index] = Unprocessable(f"not an audit record: {exc.errors}")
            except storage.UnstorableRecord as exc:
                log.error("audit: an unstorable record goes to the dead letters (%s): %s", exc, _short(body))
                outcomes[index] = Unprocessable(f"the database cannot store this record: {exc}")
        if rows:
            for (index, _), stored in zip(rows, self._insert(rows, bodies), strict=True):
                outcomes[index] = stored
            self._merge_subject_index(sum(1 for stored in outcomes if stored is True))
        return outcomes

    def _insert(self, rows, bodies):
        """All rows in one transaction; if the database refuses the batch for what one record holds,
        each row alone, so only that record goes to the dead letters."""
        try:
            times = {"started": time.perf_counter()}
            with self.db.transaction() as session:
                stored = storage.insert_rows(session, [row for _, row in rows], times=times)
            if LOCK_TIMES:
                _note_lock_times(len(rows), times, time.perf_counter())
            return stored
        except (DataError, IntegrityError) as exc:
            if len(rows) > 1:
                log.warning(
                    "audit: a batch of %d was refused (%s); storing its records one by one",
                    len(rows),
                    exc.orig,
                )
                return [self._insert([entry], bodies)[0] for entry in rows]
            # The record itself is unstorable; retrying would loop for ever: keep it as a dead letter.
            log.error(
                "audit: an unstorable record goes to the dead letters (%s): %s",
                exc.orig,
                _short(bodies[rows[0][0]]),
            )
            return [Unprocessable(f"the database cannot store this record: {exc.orig}")]

    def _merge_subject_index(self, stored):
        """After a batch of ``stored`` new records is committed, outside the head lock: once this process
        has stored AUDIT_MERGE_EVERY records since it last did, the subject ids waiting in the GIN index's
        pending list into the index proper (storage.merge_subject_index). The records are stored already,
        so a failure here is only logged; a database role that may not do it (not the table's owner) is
        told once, and the inserts under the lock then merge the index themselves, as PostgreSQL does by
        default."""
        if not stored or _MERGE["refused"]:
            return
        _MERGE["unmerged"] += stored
        if _MERGE["unmerged"] < int(self.config.get("AUDIT_MERGE_EVERY", MERGE_EVERY)):
            return
        _MERGE["unmerged"] = 0
        try:
            with self.db.transaction() as session:
                storage.merge_subject_index(session)
        except ProgrammingError as exc:  # insufficient privilege: the role does not own the index
            _MERGE["refused"] = True
            log.warning("audit: cannot merge the subject index after a batch (left to inserts): %s", exc.orig)
        except SQLAlchemyError as exc:
            log.warning("audit: merging the subject index after a batch failed: %s", exc)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def ping(self):
        return storage.ping(self.db.session)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def events_for_subject(self, subject_id, limit=50, cursor=None, with_readers=False):
        """Who touched this subject (a contact …): newest first, ``cursor`` from the previous page;
        ``with_readers``: and who has seen its data at a glance (as subject_readers), in the same one
        recorded read (a contact's page asks for both on every view)."""
        actor = self.context.require("audit.view")
        subject_id = parse_id(subject_id, "subject_id")
        limit, before = parse_limit(limit), parse_cursor(cursor)
        with self.db.transaction() as session:
            events, next_seq = storage.events_for_subject(session, subject_id, limit, before)
            subject_type = next((e["subject_type"] for e in events if e["subject_type"]), None)
            page = {"items": events, "next_cursor": cursor_for(next_seq)}
            details = {"cursor": cursor_for(before), "returned": len(events)}
            if with_readers:
                page["readers"] = storage.readers_of_subject(session, subject_id, READERS_SHOWN)
                details["readers"] = page["readers"]["total_readers"]
            self._append(session, actor, "audit.subject_viewed", subject_type, [subject_id], details)
        return PAGE.dump(page)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def subject_readers(self, subject_id):
        """Who has seen this subject's data at a glance (G2, issue 13 item 5): each reader with how many
        reads and the last, the latest READERS_SHOWN readers, and the totals. Recorded as a read."""
        actor = self.context.require("audit.view")
        subject_id = parse_id(subject_id, "subject_id")
        with self.db.transaction() as session:
            found = storage.readers_of_subject(session, subject_id, READERS_SHOWN)
            details = {"readers": found["total_readers"], "reads": found["total_reads"]}
            self._append(session, actor, "audit.readers_viewed", None, [subject_id], details)
        return READERS.dump(found)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def events_by_actor(self, actor_id, limit=50, cursor=None):
        """What this user (or token, or system) did: newest first, ``cursor`` from the previous page."""
        actor = self._unscoped(self.context.require("audit.view"))
        actor_id = parse_id(actor_id, "actor_id")
        limit, before = parse_limit(limit), parse_cursor(cursor)
        with self.db.transaction() as session:
            events, next_seq = storage.events_by_actor(session, actor_id, limit, before)
            self._record_view(session, actor, "audit.actor_viewed", "user", actor_id, before, events)
        return PAGE.dump({"items": events, "next_cursor": cursor_for(next_seq)})

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def my_recent_changes(self, limit=5):
        """The dashboard's "recent changes by me" (issue 13 item 2): the caller's last ``limit`` (1 to
        MAX_LIMIT) changes, reads left out, newest first. The read is recorded naming the user and every
        contact whose change it shows (G2: who has seen what was done to a person)."""
        actor = self._unscoped(self.context.require("audit.view"))
        limit = parse_limit(limit)
        with self.db.transaction() as session:
            events = storage.changes_by_actor(session, actor.id, limit)
            shown = [
                subject
                for event in events
                if event["subject_type"] == "contact"
                for subject in event["subject_ids"]
            ]
            details = {"returned": len(events)}
            subjects = [actor.id, *dict.fromkeys(shown)]
            self._append(session, actor, "audit.own_changes_viewed", "user", subjects, details)
        return PAGE.dump({"items": events, "next_cursor": None})

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def search_events(self, filters=None, limit=50, cursor=None):
        """The organisation-wide search: events matching every filter (contract.parse_filters), newest
        first, ``cursor`` from the previous page. The search is itself recorded, with its filters."""
        actor = self._unscoped(self.context.require("audit.view"))
        parsed = parse_filters(filters)
        limit, before = parse_limit(limit), parse_cursor(cursor)
        return self._search(actor, "audit.searched", parsed, limit, before)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def export_events(self, filters=None, cursor=None):
        """One page (EXPORT_PAGE events) of a CSV export of ``search_events``; each page is recorded as
        ``audit.exported`` with the filters, the first one with ``cursor`` None."""
        actor = self._unscoped(self.context.require("audit.view"))
        parsed = parse_filters(filters)
        return self._search(actor, "audit.exported", parsed, EXPORT_PAGE, parse_cursor(cursor))

    @staticmethod
    def _unscoped(actor):
        """C6: the whole log and what a user did name contacts of every group; an actor limited to some
        contact groups gets only a visible contact's own trail (the gateway checks it is visible)."""
        if actor.scoped:
            raise PermissionDenied(
                "audit.err.scoped", {"permission": "audit.view", "scope": ["audit.err.scoped"]}
            )
        return actor

    def _search(self, actor, action, parsed, limit, before):
        with self.db.transaction() as session:
            events, next_seq = storage.search_events(session, parsed, limit, before)
            subjects = [parsed["subject_id"]] if parsed.get("subject_id") else []
            details = {
                "filters": filters_as_text(parsed),
                "cursor": cursor_for(before),
                "returned": len(events),
            }
            self._append(session, actor, action, None, subjects, details)
        return PAGE.dump({"items": events, "next_cursor": cursor_for(next_seq)})

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def verify_chain(self):
        """Walk the whole hash chain (S2) and report what is altered, removed, reordered or truncated;
        an intact chain gets a checkpoint. Administrators only (``audit.view`` and users.manage)."""
        actor = self.context.require("audit.view")
        actor.require(VERIFY_PERMISSION)
        report = verify.verify_stored_chain(self.db.session)
        details = {"intact": report.intact, "records": report.records, "problems": report.problems}
        with self.db.transaction() as session:
            self._append(session, actor, "audit.chain_verified", None, [], details)
        return CHAIN_REPORT.dump(report.as_dict())

    def _record_view(self, session, actor, action, subject_type, subject_id, before, events):
        details = {"cursor": cursor_for(before), "returned": len(events)}
        self._append(session, actor, action, subject_type, [subject_id], details)

    def _append(self, session, actor, action, subject_type, subject_ids, details):
        """The audit service owns the log, so a read of it is appended directly, not published."""
        record = audit_record(
            SERVICE, action, actor, self.context.request_id, subject_type, subject_ids, details=details
        )
        storage.insert_event(session, load_record(record))


# The features of the audit service, in one place: the service is exactly these (and so are its RPC
# methods and consumers).
FEATURES = (AuditLogRpc, AuditErasure)


class AuditService(*FEATURES):  # type: ignore[misc]
    name = "audit"
