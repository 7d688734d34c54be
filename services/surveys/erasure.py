"""The surveys service's part of G3 and G4, a feature of the surveys service.

What it holds about a person: their participant entries (name, e-mail, language, invited/reminded/
completed), the responses taken in from them (mapped answers), the changes those proposed and their
applications (Q3: round, title, texts, state, attachments' names).

G4: ``on_erasure_requested`` (durable queue ``piiri.erasure.surveys``) first erases the person at
LimeSurvey: the responses linked to them (by their participant token, ``get_response_ids`` +
``delete_response``, and those that created or updated them) and their participant entries
(``delete_participants``); a survey already gone there has nothing left to erase. Then it deletes its own
rows (and the published outbox rows naming the person) and reports the counts, the proof of what was deleted
where. LimeSurvey unreachable: the message is retried (then dead-lettered), and the erasure stays pending
until it is done. Idempotent.

Applications (Q3) are pseudonymised, not deleted: the applicant, title, texts, attachments and the
decision's note go, and so do the words others wrote about them that may name the person (reviewers'
comments, the reasons of declared conflicts); the row stays with its round, state and decision, so a
round's counts, its decisions and the reviewers' scores of it stay true for the others who applied (scores
are about the application, not the person), without identity. A reviewer whose own contact is erased
stays a reviewer (a user account), without the link to the contact.

G3: ``personal_data`` lists all of it (audited).
"""

import logging

from citric.exceptions import LimeSurveyStatusError
from nameko.messaging import consume
from nameko.rpc import rpc

from piiri import erasure as protocol
from piiri import outbox as outbox_rows
from piiri.context import SYSTEM
from piiri.errors import EXPECTED_ERRORS, NotFound
from services.surveys import models
from services.surveys.applications import review_storage
from services.surveys.applications import storage as application_storage
from services.surveys.core import SurveysCore
from services.surveys.links import storage as link_storage
from services.surveys.participants import storage as participant_storage
from services.surveys.responses import storage as response_storage

log = logging.getLogger(__name__)

GDPR_OFFICER = "gdpr.officer"
PARTICIPANT_SHOWN = (
    "sid",
    "title",
    "email",
    "first_name",
    "last_name",
    "language",
    "invited_at",
    "reminded_at",
    "completed_at",
)
RESPONSE_SHOWN = ("sid", "title", "response_id", "submitted_at", "answers", "outcome")
PROPOSAL_SHOWN = ("changes", "state", "created_at", "decided_at")
APPLICATION_SHOWN = (
    "round_name",
    "title",
    "texts",
    "language",
    "source",
    "state",
    "created_at",
    "decision_note",
    "decided_at",
)


def _json(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def forget_published(session, contact_id):
    """Delete the published outbox rows (audit records of pushes, responses taken in and decided
    proposals) that name the person: the erasure does not wait for their purge."""
    return outbox_rows.forget_published(session, models.outbox, [contact_id])


def erase_at_limesurvey(participants, responses):
    """An operation: delete the person's responses and participant entries at LimeSurvey; the counts."""

    def erase(client):
        deleted = {"participants": 0, "responses": 0}
        response_ids = {}
        for row in participants:
            try:
                ids = client.get_response_ids(row["sid"], row["token"])
            except LimeSurveyStatusError:  # "No Response found for Token", or the survey is gone
                ids = []
            response_ids.setdefault(row["sid"], set()).update(int(i) for i in ids)
        for row in responses:
            response_ids.setdefault(row["sid"], set()).add(int(row["response_id"]))
        for sid, ids in response_ids.items():
            for response_id in sorted(ids):
                try:
                    client.delete_response(sid, response_id)
                    deleted["responses"] += 1
                except LimeSurveyStatusError:  # already gone there
                    continue
        by_survey = {}
        for row in participants:
            by_survey.setdefault(row["sid"], []).append(int(row["tid"]))
        for sid, tids in by_survey.items():
            try:
                answer = client.delete_participants(sid, tids)
            except LimeSurveyStatusError:  # the survey is gone there: nothing left of the person in it
                continue
            deleted["participants"] += sum(1 for value in answer.values() if value == "Deleted")
        return deleted

    return erase


class SurveysErasure(SurveysCore):
    erasure_reporter = protocol.ErasureReporter()

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def personal_data(self, contact_id):
        """The person's participant entries, responses taken in and proposed changes (audited)."""
        actor = self.context.require(GDPR_OFFICER)
        key = link_storage.parse_id(contact_id)
        session = self.db.session
        participants = participant_storage.of_contact(session, key) if key else []
        responses, proposals = response_storage.of_contact(session, key) if key else ([], [])
        applications = application_storage.of_contact(session, key) if key else []
        reviewing = review_storage.of_contact(session, key) if key else []
        session.rollback()
        self.audit.read(
            actor,
            "survey.personal_data_read",
            "contact",
            [str(contact_id)],
            details={
                "participants": len(participants),
                "responses": len(responses),
                "proposals": len(proposals),
                "applications": len(applications),
            },
        )
        return {
            "service": "surveys",
            "contact_id": str(contact_id),
            "sections": {
                "survey_participants": [
                    {name: _json(row[name]) for name in PARTICIPANT_SHOWN} for row in participants
                ],
                "survey_responses": [
                    {name: _json(row[name]) for name in RESPONSE_SHOWN} for row in responses
                ],
                "survey_proposals": [
                    {name: _json(row[name]) for name in PROPOSAL_SHOWN} for row in proposals
                ],
                "applications": [
                    {
                        **{name: _json(row[name]) for name in APPLICATION_SHOWN},
                        "attachments": [item["filename"] for item in row["attachments"]],
                    }
                    for row in applications
                ],
                "application_reviewers": [
                    {
                        "round_id": str(row["round_id"]),
                        "username": row["username"],
                        "created_at": _json(row["created_at"]),
                    }
                    for row in reviewing
                ],
            },
        }

    @consume(protocol.request_queue("surveys"), requeue_on_error=True)
    def on_erasure_requested(self, body):
        request = protocol.load_request(body)
        self.context.act_as(SYSTEM)
        key = link_storage.parse_id(request["contact_id"])
        session = self.db.session
        participants = participant_storage.of_contact(session, key) if key else []
        responses, _ = response_storage.of_contact(session, key) if key else ([], [])
        session.rollback()
        remote = {"participants": 0, "responses": 0}
        if participants or responses:
            try:
                remote = self.limesurvey.run(erase_at_limesurvey(participants, responses))
            except NotFound:  # LimeSurvey no longer has the survey at all
                pass
        with self.db.transaction() as session:
            participants_deleted = participant_storage.delete_of_contact(session, key) if key else 0
            responses_deleted, proposals_deleted = (
                response_storage.delete_of_contact(session, key) if key else (0, 0)
            )
            theirs = application_storage.ids_of_contact(session, key) if key else []
            words = review_storage.forget_applicant_words(session, theirs)
            applications = application_storage.pseudonymise_of_contact(session, key) if key else 0
            reviewers = review_storage.forget_contact(session, key) if key else 0
            outbox_deleted = forget_published(session, str(key)) if key else 0
        summary = {
            "participants": participants_deleted,
            "responses": responses_deleted,
            "proposals": proposals_deleted,
            "applications_pseudonymised": applications,
            "review_texts_emptied": words,
            "reviewer_contacts_forgotten": reviewers,
            "outbox_rows_deleted": outbox_deleted,
            "limesurvey_participants_deleted": remote["participants"],
            "limesurvey_responses_deleted": remote["responses"],
        }
        self.erasure_reporter.publish(
            protocol.report(request["erasure_id"], request["contact_id"], "surveys", summary),
            routing_key=protocol.COMPLETED,
        )
        log.info("surveys: erasure %s: %s", request["erasure_id"], summary)
