"""The audit service's part of G3 and G4, a feature of AuditService.

G3: ``personal_data`` returns the log's records about a person (who viewed or changed them, when):
the log is also data held about them. G4: ``on_erasure_requested`` consumes the audit service's own
durable queue of erasure requests (piiri/erasure.py), redacts the records about the person
(redaction.py) and those naming no one that hold their values (a count's query, a file name; found
by the request's digests, piiri/erasure_keys.py), and reports ``contact_erasure_completed`` back to
the contacts service. A request that arrives while the audit service is down waits in its queue; a
repeated one redacts nothing new and reports again.

Dead letters (piiri/dead_letters.py, where the choice of this service as their one owner is explained):
``personal_data`` also lists the dead letters naming the person (section ``dead_letters``: source
queue, error, when, and the message itself: it is the person's data), and the erasure removes them
before it reports (``dead_letters_removed``), except a dead-lettered audit record, which the log must
not lose: it is kept with its ``details`` redacted as a stored record would be
(``dead_letters_redacted``); replayed, it is redacted again on arrival. A message about the person that
was in flight during the erasure and fails later is dead-lettered after it: a timer
(``erase_late_dead_letters``) removes the letters naming a subject the log has recorded as erased.
"""

import json
import logging

from nameko.messaging import consume
from nameko.rpc import rpc
from nameko.timer import timer
from sqlalchemy import select

from piiri import dead_letters, erasure_keys
from piiri import erasure as protocol
from piiri.audit import audit_record
from piiri.context import SYSTEM
from piiri.errors import EXPECTED_ERRORS
from services.audit import redaction, storage
from services.audit.contract import load_record, parse_id
from services.audit.core import SERVICE, AuditCore
from services.audit.models import audit_erased_subjects

log = logging.getLogger(__name__)

GDPR_OFFICER = "gdpr.officer"
MAX_REPORTED = 10_000  # records of one person in an access report (newest first)
PAGE_SIZE = 500
LATE_LETTERS_INTERVAL = 300  # seconds between looks for dead letters about people erased before them


class AuditErasure(AuditCore):
    erasure_reporter = protocol.ErasureReporter()

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def personal_data(self, contact_id):
        """Every record of the log about the person, newest first (at most 10,000), for the access
        report; the read is itself recorded (``audit.personal_data_read``) in the same transaction."""
        actor = self.context.require(GDPR_OFFICER)
        subject_id = parse_id(contact_id, "contact_id")
        letters = [_reported_letter(letter) for letter in self._dead_letters_naming(subject_id)]
        items, before = [], None
        with self.db.transaction() as session:
            while len(items) < MAX_REPORTED:
                events, before = storage.events_for_subject(session, subject_id, PAGE_SIZE, before)
                items.extend(events)
                if before is None:
                    break
            record = audit_record(
                SERVICE,
                "audit.personal_data_read",
                actor,
                self.context.request_id,
                "contact",
                [subject_id],
                details={"returned": len(items), "dead_letters": len(letters)},
            )
            storage.insert_event(session, load_record(record))
        return {
            "service": "audit",
            "contact_id": subject_id,
            "sections": {
                "events": [
                    {
                        "occurred_at": event["occurred_at"],
                        "action": event["action"],
                        "service": event["service"],
                        "actor": event["actor"].get("username") or event["actor"].get("id"),
                        "fields": event["field_names"],
                    }
                    for event in items[:MAX_REPORTED]
                ],
                "truncated": before is not None,
                "dead_letters": letters,
            },
        }

    @consume(protocol.request_queue("audit"), requeue_on_error=True)
    def on_erasure_requested(self, body):
        """Redact the records about the erased contact, then report back (idempotent)."""
        request = protocol.load_request(body)  # a malformed one: to the dead letters
        self.context.act_as(SYSTEM)
        contact_id = str(request["contact_id"])
        with self.db.transaction() as session:
            # Appends hold the chain head too: a record about the person is either stored before this
            # (and redacted here) or after it (and redacted on arrival), never missed in between.
            storage.lock_head(session)
            summary = redaction.redact_subject(session, contact_id, request["erasure_id"])
            for related in request["related_ids"]:  # saved searches whose text named the person
                more = redaction.redact_subject(session, str(related), request["erasure_id"], remember=False)
                summary["related_redacted"] = summary.get("related_redacted", 0) + more["redacted"]
        matcher = erasure_keys.Matcher(request["match_keys"], self.config)
        if matcher:  # counts and file names holding their values (issue 19); without the head lock
            with self.db.transaction() as session:
                summary["values_redacted"] = redaction.redact_values(session, matcher)
        # after the log's own redaction; a failure here raises, so the request is retried, not reported
        letters = dead_letters.erase_naming(self.config["AMQP_URI"], contact_id, _redacted_letter)
        summary["dead_letters_removed"] = letters["removed"]
        summary["dead_letters_redacted"] = letters["redacted"]
        self.erasure_reporter.publish(
            protocol.report(request["erasure_id"], contact_id, "audit", summary),
            routing_key=protocol.COMPLETED,
        )
        log.info("audit: erasure %s: %s", request["erasure_id"], summary)

    @timer(interval=LATE_LETTERS_INTERVAL)
    def erase_late_dead_letters(self):
        """Remove (or redact, for an audit record) the dead letters naming someone already erased."""
        uri = self.config["AMQP_URI"]
        try:
            if not any(dead_letters.counts(uri).values()):  # cheap and passive: nothing to hold
                return
            ids = dead_letters.subject_ids(dead_letters.list_letters(uri))
            with self.db.transaction() as session:
                erased = _erased_among(session, ids)
            for subject_id in erased:
                summary = dead_letters.erase_naming(uri, subject_id, _redacted_letter)
                if any(summary.values()):
                    log.info("audit: dead letters naming erased %s: %s", subject_id, summary)
        except Exception:
            log.exception("audit: the look for dead letters about erased people failed")

    def _dead_letters_naming(self, contact_id):
        return dead_letters.letters_naming(self.config["AMQP_URI"], contact_id)


def _reported_letter(letter):
    """A dead letter as its access report shows it: where it was going, why it failed, when, the message."""
    return {
        "at": letter["at"],
        "queue": letter["queue"],
        "error": letter["error"],
        "routing_key": letter["routing_key"],
        "message": letter["body"],
    }


def _redacted_letter(letter):
    """The body a dead letter keeps after an erasure: an audit record (the log must not lose it) with its
    details redacted; None (remove it) for any other letter."""
    if letter["dead_letter_queue"] != dead_letters.AUDIT_DEAD_LETTERS.name:
        return None
    try:
        record = json.loads(letter["body"])
    except (TypeError, ValueError):
        return None
    if not isinstance(record, dict):
        return None
    details = record.get("details")
    cleaned = redaction.redacted(details) if isinstance(details, dict) else None
    if cleaned is None:
        return letter["body"]  # nothing personal in its details: kept as it is
    return json.dumps({**record, "details": cleaned})


def _erased_among(session, ids):
    """Those of ``ids`` that are recorded as erased subjects."""
    if not ids:
        return []
    query = select(audit_erased_subjects.c.subject_id).where(audit_erased_subjects.c.subject_id.in_(ids))
    return sorted(session.execute(query).scalars())
