"""The audit service's part of G3 and G4, mixed into AuditService.

G3: ``personal_data`` returns the log's records about a person (who viewed or changed them, when):
the log is also data held about them. G4: ``on_erasure_requested`` consumes the audit service's own
durable queue of erasure requests (piiri/erasure.py), redacts the records about the person
(redaction.py) and reports ``contact_erasure_completed`` back to the contacts service. A request that
arrives while the audit service is down waits in its queue; a repeated one redacts nothing new and
reports again.
"""

import logging

from nameko.messaging import consume
from nameko.rpc import rpc

from piiri import erasure as protocol
from piiri.audit import audit_record
from piiri.context import SYSTEM
from piiri.errors import EXPECTED_ERRORS
from services.audit import redaction, storage
from services.audit.contract import load_record, parse_id

log = logging.getLogger(__name__)

GDPR_OFFICER = "gdpr.officer"
MAX_REPORTED = 10_000  # records of one person in an access report (newest first)
PAGE_SIZE = 500


class AuditErasure:
    erasure_reporter = protocol.ErasureReporter()

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def personal_data(self, contact_id):
        """Every record of the log about the person, newest first (at most 10,000), for the access
        report; the read is itself recorded (``audit.personal_data_read``) in the same transaction."""
        actor = self.context.require(GDPR_OFFICER)
        subject_id = parse_id(contact_id, "contact_id")
        items, before = [], None
        with self.db.transaction() as session:
            while len(items) < MAX_REPORTED:
                events, before = storage.events_for_subject(session, subject_id, PAGE_SIZE, before)
                items.extend(events)
                if before is None:
                    break
            record = audit_record(
                self.name,
                "audit.personal_data_read",
                actor,
                self.context.request_id,
                "contact",
                [subject_id],
                details={"returned": len(items)},
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
        self.erasure_reporter.publish(
            protocol.report(request["erasure_id"], contact_id, "audit", summary),
            routing_key=protocol.COMPLETED,
        )
        log.info("audit: erasure %s: %s", request["erasure_id"], summary)
