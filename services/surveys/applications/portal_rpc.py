"""The reviewer portal's side of the surveys service (Q3), a feature of the surveys service: a reviewer
(the caller's own user id, with the reviewer role) sees only the applications assigned to them, only the
fields the round releases (blind: never the applicant), scores each criterion with a comment and submits.
An application not assigned to them does not exist for them (404, never 403). Every read of an application
is audited against its applicant (G2), so it appears in the applicant's access report.

Reviews are taken until the round's review deadline (review_until, to the end of that day in the
organisation's time zone); the portal shows the days left. A reviewer who has a conflict of interest with
an assigned application declares it here (with an optional reason): the application is taken from them at
once (their assignment and any scores go), the declaration stays for the coordinator, who sees it and
assigns someone else.
"""

import base64

from marshmallow import ValidationError
from nameko.rpc import rpc

from piiri import clock
from piiri.errors import EXPECTED_ERRORS, Conflict, NotFound, PermissionDenied, ValidationFailed
from services.surveys import contract
from services.surveys.applications import review_storage, rules, scoring, storage
from services.surveys.core import SurveysCore
from services.surveys.links import storage as link_storage

CRITERION = contract.Criterion()


def deadline_view(round_, today):
    """The review deadline as the portal shows it: the day, days left, and whether it is over."""
    deadline = round_["review_until"]
    return {
        "review_until": deadline.isoformat() if deadline else None,
        "days_left": rules.days_left(deadline, today),
        "review_closed": rules.passed(deadline, today),
    }


class ReviewPortalRpc(SurveysCore):
    def _reviewer_actor(self):
        actor = self.context.actor
        if actor.kind != "user" or contract.REVIEWER_ROLE not in actor.roles:
            raise PermissionDenied(contract.NOT_A_REVIEWER, {"role": contract.REVIEWER_ROLE})
        return actor

    def _mine(self, actor, application_id):
        """(assignment, round, application) of an application assigned to ``actor``, else NotFound."""
        key = link_storage.parse_id(application_id)
        found = review_storage.my_assignments(self.db.session, actor.id, key) if key else []
        if not found:
            self.db.session.rollback()
            raise NotFound(contract.APPLICATION_NOT_FOUND, {"id": str(application_id)})
        mine = found[0]
        round_ = storage.get_round(self.db.session, mine["round_id"])
        application = storage.get_application(self.db.session, mine["round_id"], mine["application_id"])
        return mine, round_, application

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def my_reviews(self):
        """The caller's assigned applications: id, round, released title, whether submitted (no texts, so
        no read of an applicant's data)."""
        actor = self._reviewer_actor()
        mine = review_storage.my_assignments(self.db.session, actor.id)
        rounds = {row["round_id"]: storage.get_round(self.db.session, row["round_id"]) for row in mine}
        today = clock.today()
        items = []
        for row in mine:
            round_ = rounds[row["round_id"]]
            application = storage.get_application(self.db.session, row["round_id"], row["application_id"])
            items.append(
                {
                    "application_id": str(row["application_id"]),
                    "round_id": str(round_["id"]),
                    "round_name": round_["name"],
                    "phase": round_["phase"],
                    **deadline_view(round_, today),
                    "title": application["title"] if "title" in round_["released_fields"] else None,
                    "submitted": row["submitted_at"] is not None,
                }
            )
        self.db.session.rollback()
        return {"items": items}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def my_review(self, application_id):
        """One assigned application as released to reviewers, the rubric and the caller's own scores
        (audited as a read of the applicant's application)."""
        actor = self._reviewer_actor()
        mine, round_, application = self._mine(actor, application_id)
        files = storage.attachments_of(self.db.session, [application["id"]])[application["id"]]
        criteria = storage.criteria(self.db.session, [round_["id"]])[round_["id"]]
        scores = review_storage.scores_of(self.db.session, [mine["assignment_id"]])[mine["assignment_id"]]
        self.db.session.rollback()
        if application["contact_id"]:
            self.audit.read(
                actor,
                "application.reviewer_viewed",
                "contact",
                [str(application["contact_id"])],
                fields=scoring.released_fields_read(round_, application),
                details={"round_id": str(round_["id"]), "application_id": str(application["id"])},
            )
        return {
            **scoring.released_view(round_, application, files),
            "phase": round_["phase"],
            **deadline_view(round_, clock.today()),
            "criteria": [CRITERION.dump(item) for item in criteria],
            "scores": scores,
            "submitted": mine["submitted_at"] is not None,
        }

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def my_review_attachment(self, application_id, attachment_id):
        actor = self._reviewer_actor()
        mine, round_, application = self._mine(actor, application_id)
        key = link_storage.parse_id(attachment_id)
        item = storage.attachment(self.db.session, application["id"], key) if key else None
        self.db.session.rollback()
        if item is None or "attachments" not in round_["released_fields"]:
            raise NotFound(contract.ATTACHMENT_NOT_FOUND, {"id": str(attachment_id)})
        if application["contact_id"]:
            self.audit.read(
                actor,
                "application.reviewer_attachment_viewed",
                "contact",
                [str(application["contact_id"])],
                details={"application_id": str(application["id"]), "attachment_id": str(item["id"])},
            )
        return {
            "filename": item["filename"],
            "content_type": item["content_type"],
            "content_base64": base64.b64encode(item["content"]).decode(),
        }

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def save_review(self, application_id, scores, submit=False):
        """Save the caller's scores ({criterion id: {"score", "comment"}}); ``submit`` needs every
        criterion scored and locks them. Only in the review phase; never after submitting."""
        actor = self._reviewer_actor()
        if not isinstance(scores, dict) or not all(isinstance(v, dict) for v in scores.values()):
            raise ValidationFailed(contract.REVIEW_INVALID, {"scores": ["surveys.not_an_object"]})
        mine, round_, application = self._mine(actor, application_id)
        criteria = storage.criteria(self.db.session, [round_["id"]])[round_["id"]]
        self.db.session.rollback()
        if mine["submitted_at"] is not None:
            raise Conflict(contract.REVIEW_SUBMITTED, {"id": str(application["id"])})
        if round_["phase"] != "review":
            raise Conflict(contract.NOT_IN_REVIEW, {"phase": round_["phase"]})
        if rules.passed(round_["review_until"], clock.today()):
            raise Conflict(contract.REVIEW_CLOSED, params={"deadline": round_["review_until"].isoformat()})
        errors = scoring.score_errors(criteria, scores, complete=bool(submit))
        if errors:
            raise ValidationFailed(contract.REVIEW_INVALID, errors)
        with self.db.transaction() as session:
            again = review_storage.my_assignments(session, actor.id, application["id"])
            if not again or again[0]["submitted_at"] is not None:
                raise Conflict(contract.REVIEW_SUBMITTED, {"id": str(application["id"])})
            review_storage.save_scores(session, mine["assignment_id"], scores, bool(submit))
            action = "application.review_submitted" if submit else "application.review_saved"
            self.audit.write(
                self.outbox,
                session,
                actor,
                action,
                "application_round",
                [round_["id"]],
                details={"application_id": str(application["id"]), "criteria": len(scores)},
            )
        self.outbox.flush()
        return {"application_id": str(application["id"]), "submitted": bool(submit)}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def declare_my_conflict(self, application_id, data):
        """The caller declares a conflict of interest with an application assigned to them ({"reason":
        optional text}): the declaration is recorded (the coordinator sees it; automatic assignment never
        gives the application to them again) and the assignment goes with any scores, so the application
        is no longer theirs to see. Audited against the round."""
        actor = self._reviewer_actor()
        if not isinstance(data, dict):
            raise ValidationFailed(contract.DECLARATION_INVALID, {"_schema": ["surveys.not_an_object"]})
        try:
            values = contract.OwnDeclarationInput().load(data)
        except ValidationError as exc:
            raise ValidationFailed(
                contract.DECLARATION_INVALID, rules.schema_codes(exc.normalized_messages())
            ) from None
        mine, round_, application = self._mine(actor, application_id)
        self.db.session.rollback()
        with self.db.transaction() as session:
            again = review_storage.my_assignments(session, actor.id, application["id"])
            if not again:  # withdrawn meanwhile: not theirs any more
                raise NotFound(contract.APPLICATION_NOT_FOUND, {"id": str(application_id)})
            reason = values["reason"].strip()
            review_storage.declare(session, mine["reviewer_id"], application["id"], reason, actor.username)
            review_storage.withdraw(session, mine["assignment_id"])
            self.audit.write(
                self.outbox,
                session,
                actor,
                "application.conflict_self_declared",
                "application_round",
                [round_["id"]],
                details={
                    "application_id": str(application["id"]),
                    "reviewer": actor.username,
                    "with_reason": bool(reason),
                    "had_submitted": mine["submitted_at"] is not None,
                },
            )
        self.outbox.flush()
        return {"application_id": str(application["id"]), "declared": True}
