"""Reviewers of an application round and their assignments (Q3), a feature of the surveys service: the
gateway users with the reviewer role taken into a round (with their own contact, for the conflicts of
interest Piiri knows), their declared conflicts, assignment by hand (a known conflict refused unless the
coordinator gives a reason, which is recorded and audited) and automatic (n reviewers per application,
balanced load, conflicts never picked). Managing needs contacts.edit."""

from marshmallow import ValidationError
from nameko.rpc import rpc

from piiri.errors import EXPECTED_ERRORS, Conflict, NotFound, ValidationFailed
from services.surveys import contract
from services.surveys.applications import assignment, review_storage, rules, storage
from services.surveys.core import SurveysCore
from services.surveys.links import storage as link_storage

MANAGE = "contacts.edit"
REVIEWER = contract.Reviewer()
ASSIGNMENT = contract.Assignment()


def loaded(schema, data, code):
    if not isinstance(data, dict):
        raise ValidationFailed(code, {"_schema": ["surveys.not_an_object"]})
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise ValidationFailed(code, rules.schema_codes(exc.normalized_messages())) from None


class ReviewersRpc(SurveysCore):
    def _review_round(self, round_id, for_update=False):
        key = link_storage.parse_id(round_id)
        found = storage.get_round(self.db.session, key, for_update) if key else None
        if found is None:
            self.db.session.rollback()
            raise NotFound(contract.ROUND_NOT_FOUND, {"id": str(round_id)})
        return found

    def _reviewer(self, round_id, reviewer_id):
        key = link_storage.parse_id(reviewer_id)
        found = review_storage.get_reviewer(self.db.session, round_id, key) if key else None
        if found is None:
            self.db.session.rollback()
            raise NotFound(contract.REVIEWER_NOT_FOUND, {"id": str(reviewer_id)})
        return found

    def _conflict_check(self, round_, reviewers, applications):
        """blocked(application id, reviewer id) -> [reasons], from the contacts' ties and declarations."""
        contact_ids = {str(r["contact_id"]) for r in reviewers if r["contact_id"]}
        contact_ids |= {str(a["contact_id"]) for a in applications if a["contact_id"]}
        ties = {}
        if contact_ids and any(r["contact_id"] for r in reviewers):
            ties = self.contacts.conflict_ties(sorted(contact_ids), round_["conflict_group_ids"])
        declared = review_storage.declarations(self.db.session, round_["id"])
        by_id = {str(r["id"]): r for r in reviewers}
        apps = {str(a["id"]): a for a in applications}

        def reasons(application_id, reviewer_id):
            return assignment.conflicts(
                by_id[str(reviewer_id)],
                apps[str(application_id)],
                ties,
                round_["conflict_group_ids"],
                declared,
            )

        return reasons

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def add_reviewer(self, round_id, data):
        actor = self.context.require(MANAGE)
        values = loaded(contract.ReviewerInput(), data, contract.REVIEWER_INVALID)
        if values["contact_id"] and not self.contacts.contact_exists(str(values["contact_id"])):
            raise ValidationFailed(contract.REVIEWER_INVALID, {"contact_id": [contract.APPLICANT_NOT_FOUND]})
        with self.db.transaction() as session:
            found = self._review_round(round_id, for_update=True)
            if review_storage.reviewer_of_user(session, found["id"], values["user_id"]):
                raise Conflict(contract.ALREADY_REVIEWER, {"username": values["username"]})
            row = review_storage.insert_reviewer(session, {**values, "round_id": found["id"]})
            self.audit.write(
                self.outbox,
                session,
                actor,
                "application_round.reviewer_added",
                "application_round",
                [found["id"]],
                details={"reviewer": values["username"]},
            )
        self.outbox.flush()
        return REVIEWER.dump({**row, "assigned": 0, "declared": []})

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def remove_reviewer(self, round_id, reviewer_id):
        """Take a reviewer out of the round with their assignments."""
        actor = self.context.require(MANAGE)
        with self.db.transaction() as session:
            found = self._review_round(round_id, for_update=True)
            reviewer = self._reviewer(found["id"], reviewer_id)
            review_storage.delete_reviewer(session, reviewer["id"])
            self.audit.write(
                self.outbox,
                session,
                actor,
                "application_round.reviewer_removed",
                "application_round",
                [found["id"]],
                details={"reviewer": reviewer["username"]},
            )
        self.outbox.flush()
        return {"id": str(reviewer["id"]), "deleted": True}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_reviewers(self, round_id):
        """The round's reviewers with load and declarations; their own contacts' ids audited as a read."""
        actor = self.context.require(MANAGE)
        found = self._review_round(round_id)
        rows = review_storage.reviewers(self.db.session, found["id"])
        self.db.session.rollback()
        linked = sorted({str(row["contact_id"]) for row in rows if row["contact_id"]})
        if linked:
            self.audit.read(actor, "application_round.reviewers_viewed", "contact", linked)
        return {"items": [REVIEWER.dump(row) for row in rows]}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def declare_conflict(self, round_id, reviewer_id, application_id, reason=""):
        """Record a reviewer's declaration of a conflict with an application (never assigned then), as the
        coordinator heard it; the reviewer can declare it themself in the portal (declare_my_conflict)."""
        actor = self.context.require(MANAGE)
        if not isinstance(reason, str) or len(reason) > contract.MAX_DECLARATION_REASON:
            raise ValidationFailed(contract.DECLARATION_INVALID, {"reason": ["applications.value_invalid"]})
        with self.db.transaction() as session:
            found = self._review_round(round_id, for_update=True)
            reviewer = self._reviewer(found["id"], reviewer_id)
            key = link_storage.parse_id(application_id)
            if not key or not storage.get_application(session, found["id"], key):
                raise NotFound(contract.APPLICATION_NOT_FOUND, {"id": str(application_id)})
            review_storage.declare(session, reviewer["id"], key, reason.strip(), actor.username)
            self.audit.write(
                self.outbox,
                session,
                actor,
                "application.conflict_declared",
                "application_round",
                [found["id"]],
                details={"reviewer": reviewer["username"], "application_id": str(key)},
            )
        self.outbox.flush()
        return {"reviewer_id": str(reviewer["id"]), "application_id": str(key), "declared": True}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_assignments(self, round_id):
        self.context.require(MANAGE)
        found = self._review_round(round_id)
        rows = review_storage.assignments(self.db.session, found["id"])
        self.db.session.rollback()
        return {"items": [ASSIGNMENT.dump(row) for row in rows]}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def assign_reviewer(self, round_id, data):
        """Assign by hand. A conflict of interest Piiri knows (or the reviewer declared) is refused
        (applications.conflict_of_interest with its reasons) unless ``override_reason`` is given: then the
        assignment records the reason and the conflicts, and the override is audited."""
        actor = self.context.require(MANAGE)
        values = loaded(contract.AssignInput(), data, contract.REVIEWER_INVALID)
        found = self._review_round(round_id)
        reviewer = self._reviewer(found["id"], values["reviewer_id"])
        application = storage.get_application(self.db.session, found["id"], values["application_id"])
        if application is None:
            self.db.session.rollback()
            raise NotFound(contract.APPLICATION_NOT_FOUND, {"id": str(values["application_id"])})
        reasons = self._conflict_check(found, [reviewer], [application])(application["id"], reviewer["id"])
        self.db.session.rollback()
        if reasons and not values["override_reason"]:
            raise Conflict(
                contract.CONFLICT_OF_INTEREST, {"conflicts": [contract.CONFLICT_CODES[r] for r in reasons]}
            )
        with self.db.transaction() as session:
            self._review_round(round_id, for_update=True)
            existing = {
                (str(a["application_id"]), str(a["reviewer_id"]))
                for a in review_storage.assignments(session, found["id"])
            }
            if (str(application["id"]), str(reviewer["id"])) in existing:
                raise Conflict(contract.ALREADY_ASSIGNED, {"reviewer": reviewer["username"]})
            row = review_storage.insert_assignment(
                session,
                {
                    "application_id": application["id"],
                    "reviewer_id": reviewer["id"],
                    "assigned_by": actor.username,
                    "override_reason": values["override_reason"] if reasons else None,
                    "conflicts": reasons or None,
                },
            )
            details = {"application_id": str(application["id"]), "reviewer": reviewer["username"]}
            self.audit.write(
                self.outbox,
                session,
                actor,
                "application.reviewer_assigned",
                "application_round",
                [found["id"]],
                details=details,
            )
            if reasons:
                self.audit.write(
                    self.outbox,
                    session,
                    actor,
                    "application.conflict_overridden",
                    "application_round",
                    [found["id"]],
                    details={**details, "conflicts": reasons, "reason": values["override_reason"]},
                )
        self.outbox.flush()
        return ASSIGNMENT.dump({**row, "username": reviewer["username"]})

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def unassign_reviewer(self, round_id, assignment_id):
        actor = self.context.require(MANAGE)
        with self.db.transaction() as session:
            found = self._review_round(round_id, for_update=True)
            key = link_storage.parse_id(assignment_id)
            row = review_storage.get_assignment(session, found["id"], key) if key else None
            if row is None:
                raise NotFound(contract.ASSIGNMENT_NOT_FOUND, {"id": str(assignment_id)})
            review_storage.delete_assignment(session, row["id"])
            self.audit.write(
                self.outbox,
                session,
                actor,
                "application.reviewer_unassigned",
                "application_round",
                [found["id"]],
                details={"application_id": str(row["application_id"])},
            )
        self.outbox.flush()
        return {"id": str(row["id"]), "deleted": True}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def auto_assign(self, round_id):
        """Give every application up to the round's reviewers_per_application, balanced, never a conflict:
        {"assigned": n, "unfilled": {application id: reviewers missing}}."""
        actor = self.context.require(MANAGE)
        found = self._review_round(round_id)
        reviewers = review_storage.reviewers(self.db.session, found["id"])
        applications = [a for a in review_storage.applicants(self.db.session, found["id"])]
        reasons = self._conflict_check(found, reviewers, applications)
        self.db.session.rollback()
        with self.db.transaction() as session:
            self._review_round(round_id, for_update=True)
            existing = {
                (str(a["application_id"]), str(a["reviewer_id"]))
                for a in review_storage.assignments(session, found["id"])
            }
            pairs, unfilled = assignment.balanced(
                [str(a["id"]) for a in applications],
                [(str(r["id"]), r["username"]) for r in reviewers],
                existing,
                found["reviewers_per_application"],
                lambda a, r: bool(reasons(a, r)),
            )
            review_storage.insert_assignments(
                session,
                [{"application_id": a, "reviewer_id": r, "assigned_by": actor.username} for a, r in pairs],
            )
            self.audit.write(
                self.outbox,
                session,
                actor,
                "application_round.auto_assigned",
                "application_round",
                [found["id"]],
                details={"assigned": len(pairs), "unfilled": len(unfilled)},
            )
        self.outbox.flush()
        return {"assigned": len(pairs), "unfilled": unfilled}
