"""The imports service's part of G3 and G4 (issue 19), a feature of ImportsService.

What it holds about a person: the imports that created or changed them (the contacts service knows
which, from its undo records, and names them in ``contact_erasure_requested``'s ``import_ids``), whose
uploaded file, validated batches, rows with errors and first rows kept for the preview hold the
person's row as it was read.

G4: ``on_erasure_requested`` (durable queue ``piiri.erasure.imports``) deletes all of that for every
named import at once (the file cannot be rewritten without the person's row, and the rows with errors
may be theirs too), keeps the job with its counts, marks it ``erased_at`` (reading its rows is refused
with that reason; a running one is cancelled), and reports ``contact_erasure_completed`` with counts.
An upload never committed, or a file whose every row of the person was refused, names no contact:
the request's ``match_keys`` (digests of the person's values) find those, and the person's values in
file names, column names and error texts (erasure_values.py).

G3: ``personal_data`` lists those imports and the ones whose kept data holds the person's e-mail, phone
or whole name (``found_by_values``; the contacts service gives the digests, ``match_keys_of``): who,
when, file name, counts, what is still kept.
"""

import logging

from nameko.messaging import consume
from nameko.rpc import rpc

from piiri import erasure as protocol
from piiri import erasure_keys
from piiri.context import SYSTEM
from piiri.errors import EXPECTED_ERRORS
from services.imports import erasure_values, jobs
from services.imports.core import ImportsCore

log = logging.getLogger(__name__)

GDPR_OFFICER = "gdpr.officer"
SHOWN = ("id", "filename", "source", "status", "actor_username", "created_at", "finished_at", "counts")


class ImportsErasure(ImportsCore):
    erasure_reporter = protocol.ErasureReporter()

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def personal_data(self, contact_id):
        """The imports that created or changed the person and what each still keeps (audited read)."""
        actor = self.context.require(GDPR_OFFICER)
        import_ids = self.contacts.import_ids_of(str(contact_id))
        matcher = erasure_keys.Matcher(self.contacts.match_keys_of(str(contact_id)), self.config)
        session = self.db.session
        holding = erasure_values.jobs_holding(session, matcher, self._limits(), import_ids) if matcher else []
        found = jobs.jobs_of(session, [*import_ids, *holding])
        held = jobs.held_about(session, [job["id"] for job in found])
        session.rollback()
        self.audit.read(
            actor,
            "import.personal_data_read",
            "contact",
            [str(contact_id)],
            details={"imports": len(found), "found_by_values": len(holding)},
        )
        by_values = {str(job_id) for job_id in holding}
        items = [
            {
                **{key: job[key] for key in SHOWN},
                "kept": held.get(job["id"], {}),
                "deleted_at": job["erased_at"] or job["expired_at"],
                # not committed for the person, but a row holds their e-mail, phone or whole name
                "found_by_values": str(job["id"]) in by_values,
            }
            for job in found
        ]
        return {"service": "imports", "contact_id": str(contact_id), "sections": {"imports": items}}

    @consume(protocol.request_queue("imports"), requeue_on_error=True)
    def on_erasure_requested(self, body):
        """Delete the kept file and rows of the imports the request names, then report (idempotent)."""
        request = protocol.load_request(body)  # a malformed one: to the dead letters
        self.context.act_as(SYSTEM)
        matcher = erasure_keys.Matcher(request["match_keys"], self.config)
        with self.db.transaction() as session:
            summary = jobs.erase_jobs(session, request["import_ids"])
            if matcher:
                summary.update(
                    erasure_values.erase_matching(session, matcher, self._limits(), request["import_ids"])
                )
        self.erasure_reporter.publish(
            protocol.report(request["erasure_id"], request["contact_id"], "imports", summary),
            routing_key=protocol.COMPLETED,
        )
        log.info("imports: erasure %s: %s", request["erasure_id"], summary)
