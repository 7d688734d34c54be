"""The exports service's part of G3 and G4 (issue 19), a feature of ExportsService.

What it holds about a person: the finished files that contain them. The worker records the contacts
of every file it stores, and the couples whose address name a row holds (``export_job_contacts``),
so the service knows which files hold whom; the erasure request names the person's couples among its
``related_ids``.

G4: ``on_erasure_requested`` (durable queue ``piiri.erasure.exports``) deletes every file holding the
person (a file is not re-written: it is made again on demand), stops every export still queued or
running (its file may come to hold the person: it fails with a message to make it again), keeps the
jobs marked ``erased_at`` (a done one ``expired``) with their selection cut to its kind (a search text or
a list of ids could name the person), and reports ``contact_erasure_completed`` with counts. Idempotent.

G3: ``personal_data`` lists the exports the person is in (who made them, when, format, file state).
"""

import logging

from nameko.messaging import consume
from nameko.rpc import rpc

from piiri import erasure as protocol
from piiri.context import SYSTEM
from piiri.errors import EXPECTED_ERRORS
from services.exports import storage
from services.exports.core import ExportsCore

log = logging.getLogger(__name__)

GDPR_OFFICER = "gdpr.officer"
SHOWN = (
    "id", "actor_username", "format", "status", "created_at", "finished_at", "rows_written", "file_name",
    "expired_at", "erased_at",
)  # fmt: skip


class ExportsErasure(ExportsCore):
    erasure_reporter = protocol.ErasureReporter()

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def personal_data(self, contact_id):
        """The exports whose file holds (or held) the person, or whose selection names them (audited)."""
        actor = self.context.require(GDPR_OFFICER)
        key = storage.parse_id(contact_id)
        found = storage.jobs_with_contact(self.db.session, key) if key else []
        self.db.session.rollback()
        self.audit.read(
            actor, "export.personal_data_read", "contact", [str(contact_id)], details={"exports": len(found)}
        )
        items = [{name: job[name] for name in SHOWN} for job in found]
        return {"service": "exports", "contact_id": str(contact_id), "sections": {"exports": items}}

    @consume(protocol.request_queue("exports"), requeue_on_error=True)
    def on_erasure_requested(self, body):
        """Delete the files holding the erased contact, stop unfinished exports, then report."""
        request = protocol.load_request(body)  # a malformed one: to the dead letters
        self.context.act_as(SYSTEM)
        with self.db.transaction() as session:
            summary = storage.erase_contact(session, request["contact_id"], request["related_ids"])
        self.erasure_reporter.publish(
            protocol.report(request["erasure_id"], request["contact_id"], "exports", summary),
            routing_key=protocol.COMPLETED,
        )
        log.info("exports: erasure %s: %s", request["erasure_id"], summary)
