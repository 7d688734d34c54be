"""The coordinator's view of a round and its decisions (Q3), a feature of the surveys service: per
application the average weighted score, the spread and the flags (diverging reviews, scores under a
criterion's minimum) from the submitted reviews, never who gave them; a decision (accept or reject with a
note); and what a decision letter says: the round, the application, the decision and the note, in the
applicant's language, never reviewers' names or scores, also as a PDF with the organisation's name
(ORGANISATION_NAME, else BILLING_PAYEE_NAME). Needs contacts.edit; every read of a letter is audited
against the applicant (G2), so it appears in their access report.
"""

import base64

from eventlet import tpool
from marshmallow import ValidationError
from nameko.rpc import rpc

from piiri.errors import EXPECTED_ERRORS, Conflict, NotFound, ValidationFailed
from services.surveys import contract
from services.surveys.applications import letter_pdf, results, review_storage, rules, storage
from services.surveys.core import SurveysCore
from services.surveys.links import storage as link_storage

MANAGE = "contacts.edit"
STATES = {"accept": "accepted", "reject": "rejected"}


class DecisionsRpc(SurveysCore):
    def _decision_round(self, round_id):
        key = link_storage.parse_id(round_id)
        found = storage.get_round(self.db.session, key) if key else None
        if found is None:
            self.db.session.rollback()
            raise NotFound(contract.ROUND_NOT_FOUND, {"id": str(round_id)})
        return found

    def _decision_application(self, round_id, application_id, for_update=False):
        key = link_storage.parse_id(application_id)
        found = storage.get_application(self.db.session, round_id, key, for_update) if key else None
        if found is None:
            self.db.session.rollback()
            raise NotFound(contract.APPLICATION_NOT_FOUND, {"id": str(application_id)})
        return found

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def round_results(self, round_id):
        """{"criteria", "items": [{application_id, title, state, assigned, reviews, average, spread,
        criteria, flags}]}, the highest average first (an audited read of the applicants)."""
        actor = self.context.require(MANAGE)
        found = self._decision_round(round_id)
        criteria = storage.criteria(self.db.session, [found["id"]])[found["id"]]
        reviews, assigned = review_storage.round_reviews(self.db.session, found["id"])
        rows = storage.round_applications(self.db.session, found["id"], 10_000, 0)
        self.db.session.rollback()
        items = []
        for row in rows:
            result = results.application_result(criteria, reviews.get(row["id"], []))
            items.append(
                {
                    "application_id": str(row["id"]),
                    "title": row["title"],
                    "state": row["state"],
                    "assigned": assigned.get(row["id"], 0),
                    **result,
                }
            )
        items.sort(key=lambda item: (item["average"] is None, -(item["average"] or 0), item["title"] or ""))
        applicants = sorted({str(row["contact_id"]) for row in rows if row["contact_id"]})
        if applicants:
            self.audit.read(
                actor,
                "application.results_viewed",
                "contact",
                applicants,
                details={"round_id": str(found["id"])},
            )
        return {
            "criteria": [contract.Criterion().dump(item) for item in criteria],
            "diverging_points": results.DIVERGING_POINTS,
            "items": items,
        }

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def decide_application(self, round_id, application_id, data):
        """Accept or reject an application with a note (the decision letter's)."""
        actor = self.context.require(MANAGE)
        if not isinstance(data, dict):
            raise ValidationFailed(contract.DECISION_INVALID, {"_schema": ["surveys.not_an_object"]})
        try:
            values = contract.DecisionInput().load(data)
        except ValidationError as exc:
            raise ValidationFailed(
                contract.DECISION_INVALID, rules.schema_codes(exc.normalized_messages())
            ) from None
        with self.db.transaction() as session:
            found = self._decision_round(round_id)
            row = self._decision_application(found["id"], application_id, for_update=True)
            decided = storage.decide(
                session, row["id"], STATES[values["decision"]], values["note"], actor.username
            )
            self.audit.write(
                self.outbox,
                session,
                actor,
                "application.decided",
                "contact",
                [str(row["contact_id"])] if row["contact_id"] else [],
                details={
                    "round_id": str(found["id"]),
                    "application_id": str(row["id"]),
                    "state": decided["state"],
                },
            )
        self.outbox.flush()
        return contract.Application().dump({**decided, "attachments": []})

    def _letter(self, round_id, application_id, form):
        """The letter's content, its read audited against the applicant (``form``: text or pdf)."""
        actor = self.context.require(MANAGE)
        found = self._decision_round(round_id)
        row = self._decision_application(found["id"], application_id)
        self.db.session.rollback()
        if row["state"] not in ("accepted", "rejected"):
            raise Conflict(contract.NOT_DECIDED, {"id": str(row["id"])})
        if row["contact_id"]:
            self.audit.read(
                actor,
                "application.letter_read",
                "contact",
                [str(row["contact_id"])],
                fields=["title", "state", "decision_note"],
                details={"round_id": str(found["id"]), "application_id": str(row["id"]), "format": form},
            )
        return {
            "application_id": str(row["id"]),
            "language": row["language"],
            "round_name": found["name"],
            "title": row["title"],
            "state": row["state"],
            "note": row["decision_note"] or "",
            "decided_at": row["decided_at"].isoformat() if row["decided_at"] else None,
            "contact_id": str(row["contact_id"]) if row["contact_id"] else None,
        }

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def decision_letter(self, round_id, application_id):
        """What the decision letter says: {application_id, language, round_name, title, state, note,
        decided_at, contact_id}; never reviewers or scores. Conflict applications.not_decided before a
        decision. Audited (application.letter_read)."""
        return self._letter(round_id, application_id, "text")

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def decision_letter_text(self, round_id, application_id):
        """The decision letter as plain text in the applicant's language, in the PDF's words:
        {"filename", "content_type", "text"}. Audited (application.letter_read)."""
        letter = self._letter(round_id, application_id, "text")
        return {
            "filename": "decision.txt",
            "content_type": "text/plain; charset=utf-8",
            "text": letter_pdf.plain_text(letter, self._letter_addressee(letter)),
        }

    def _letter_addressee(self, letter):
        """Whom the letter greets: the applicant's name, or "" (no contact, or erased meanwhile)."""
        if not letter["contact_id"]:
            return ""
        try:
            return self.contacts.get_contact(letter["contact_id"]).get("display_name") or ""
        except NotFound:  # erased meanwhile: the letter greets the applicant
            return ""

    def _organisation(self):
        return str(self.config.get("ORGANISATION_NAME") or self.config.get("BILLING_PAYEE_NAME") or "Piiri")

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def decision_letter_pdf(self, round_id, application_id):
        """The decision letter as a PDF in the applicant's language: {"filename", "content_type",
        "content_base64"}. Audited (application.letter_read); rendered in a native thread."""
        letter = self._letter(round_id, application_id, "pdf")
        content = tpool.execute(
            letter_pdf.render, letter, self._letter_addressee(letter), self._organisation()
        )
        return {
            "filename": letter_pdf.filename(letter),
            "content_type": "application/pdf",
            "content_base64": base64.b64encode(content).decode(),
        }
