"""/api/v1/application-rounds (Q3): application rounds, their rubric and their applications with
attachments. Managing rounds and entering applications needs contacts.edit; reading them contacts.view
(each read of an application is audited against its applicant)."""

import base64

from werkzeug.wrappers import Response

from gateway.applications import schemas
from gateway.applications.letters import letter_response, pdf_response
from gateway.applications.reviewers import FIELDS, reviewer_user
from gateway.base import int_arg, json_body
from gateway.core import GatewayCore
from gateway.http import http, json_response
from gateway.openapi import api_operation, file_response
from gateway.roles import EDIT, VIEW

BASE = "/api/v1/application-rounds"


def attachment_answer(item):
    """An attachment as a download: never shown inline (its type is the uploader's word)."""
    name = item["filename"].replace('"', "'")
    headers = {
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(
        base64.b64decode(item["content_base64"]), content_type=item["content_type"], headers=headers
    )


class ApplicationsApiRoutes(GatewayCore):
    @api_operation(
        "Q3: the application rounds with their rubric and counts",
        permission=VIEW,
        responses={200: schemas.RoundList},
        errors=(403,),
    )
    @http("GET", BASE)
    def api_rounds_list(self, request):
        self.api_principal(request, VIEW)
        return json_response(self.call("surveys", "list_rounds"))

    @api_operation(
        "Q3: a new application round: its form's text fields, what reviewers see (blind by default), "
        "phases' deadlines, reviewers per application, conflicting groups, a linked survey",
        permission=EDIT,
        body=schemas.RoundInput,
        responses={201: (schemas.Round, "Created")},
        errors=(403, 422),
    )
    @http("POST", BASE)
    def api_rounds_create(self, request):
        self.api_principal(request, EDIT)
        made = self.call("surveys", "create_round", json_body(request))
        return json_response(made, status=201, headers={"Location": f"{BASE}/{made['id']}"})

    @api_operation(
        "Q3: one application round with its rubric and counts",
        permission=VIEW,
        responses={200: schemas.Round},
        errors=(403, 404),
    )
    @http("GET", f"{BASE}/<round_id>")
    def api_rounds_get(self, request, round_id):
        self.api_principal(request, VIEW)
        return json_response(self.call("surveys", "get_round", round_id))

    @api_operation(
        "Q3: change a round (any of its fields, e.g. the phase)",
        permission=EDIT,
        body=schemas.RoundChanges,
        responses={200: schemas.Round},
        errors=(403, 404, 422),
    )
    @http("PATCH", f"{BASE}/<round_id>")
    def api_rounds_update(self, request, round_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("surveys", "update_round", round_id, json_body(request)))

    @api_operation(
        "Q3: delete a round with its rubric and applications",
        permission=EDIT,
        responses={200: "Deleted"},
        errors=(403, 404),
    )
    @http("DELETE", f"{BASE}/<round_id>")
    def api_rounds_delete(self, request, round_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("surveys", "delete_round", round_id))

    @api_operation(
        "Q3: replace the scoring rubric: criteria with weights (positive) and minimums (within 0..max_score)",
        permission=EDIT,
        body=schemas.RubricInput,
        responses={200: schemas.Round},
        errors=(403, 404, 422),
    )
    @http("PUT", f"{BASE}/<round_id>/rubric")
    def api_rounds_rubric(self, request, round_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("surveys", "set_rubric", round_id, json_body(request)))

    @api_operation(
        "Q3: a page of the round's applications (an audited read of their applicants)",
        permission=VIEW,
        query=schemas.PageQuery,
        responses={200: schemas.ApplicationList},
        errors=(403, 404, 422),
    )
    @http("GET", f"{BASE}/<round_id>/applications")
    def api_applications_list(self, request, round_id):
        self.api_principal(request, VIEW)
        limit, offset = int_arg(request.args, "limit", 100), int_arg(request.args, "offset", 0)
        return json_response(self.call("surveys", "list_applications", round_id, limit, offset))

    @api_operation(
        "Q3: enter an application: the applicant (a contact), title, the round's text fields, attachments "
        "(base64; PDF, text, PNG, JPEG, DOCX, ODT; at most 2 MB each, 10 in all); 409 "
        "applications.submission_closed after the round's submit_until",
        permission=EDIT,
        body=schemas.ApplicationInput,
        responses={201: (schemas.Application, "Created")},
        errors=(403, 404, 409, 413, 422),
    )
    @http("POST", f"{BASE}/<round_id>/applications")
    def api_applications_add(self, request, round_id):
        self.api_principal(request, EDIT)
        made = self.call("surveys", "add_application", round_id, json_body(request))
        location = f"{BASE}/{round_id}/applications/{made['id']}"
        return json_response(made, status=201, headers={"Location": location})

    @api_operation(
        "Q3: take the linked survey's responses that are tied to a contact in as applications",
        permission=EDIT,
        responses={200: schemas.ImportResult},
        errors=(403, 404, 409, 422),
    )
    @http("POST", f"{BASE}/<round_id>/applications:import")
    def api_applications_import(self, request, round_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("surveys", "import_applications", round_id, timeout=300))

    @api_operation(
        "Q3: one application with its attachments' names (an audited read)",
        permission=VIEW,
        responses={200: schemas.Application},
        errors=(403, 404),
    )
    @http("GET", f"{BASE}/<round_id>/applications/<application_id>")
    def api_applications_get(self, request, round_id, application_id):
        self.api_principal(request, VIEW)
        return json_response(self.call("surveys", "get_application", round_id, application_id))

    @api_operation(
        "Q3: delete an application with its attachments",
        permission=EDIT,
        responses={200: "Deleted"},
        errors=(403, 404),
    )
    @http("DELETE", f"{BASE}/<round_id>/applications/<application_id>")
    def api_applications_delete(self, request, round_id, application_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("surveys", "delete_application", round_id, application_id))

    @api_operation(
        "Q3: an application's attachment as a download (an audited read)",
        permission=VIEW,
        responses={
            200: file_response(
                "application/octet-stream", description="The file (Content-Disposition: attachment)"
            )
        },
        errors=(403, 404),
    )
    @http("GET", f"{BASE}/<round_id>/applications/<application_id>/attachments/<attachment_id>")
    def api_applications_attachment(self, request, round_id, application_id, attachment_id):
        self.api_principal(request, VIEW)
        item = self.call("surveys", "get_attachment", round_id, application_id, attachment_id)
        return attachment_answer(item)


class ReviewersApiRoutes(GatewayCore):
    """Q3 step 2: a round's reviewers (gateway users with the reviewer role), their declared conflicts and
    assignments, by hand (a known conflict needs override_reason) and automatic; contacts.edit."""

    @api_operation(
        "Q3: the round's reviewers with their load and declared conflicts",
        permission=EDIT,
        responses={200: schemas.ReviewerList},
        errors=(403, 404),
    )
    @http("GET", f"{BASE}/<round_id>/reviewers")
    def api_round_reviewers(self, request, round_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("surveys", "list_reviewers", round_id))

    @api_operation(
        "Q3: take a user with the reviewer role into the round (user_id; contact_id: the reviewer as a "
        "contact, for the conflicts of interest Piiri knows)",
        permission=EDIT,
        body=schemas.ReviewerAdd,
        responses={201: (schemas.Reviewer, "Added")},
        errors=(403, 404, 409, 422),
    )
    @http("POST", f"{BASE}/<round_id>/reviewers")
    def api_round_reviewer_add(self, request, round_id):
        principal = self.api_principal(request, EDIT)
        body = json_body(request)
        user = reviewer_user(self.db.session, body.get("user_id"))
        self.audit_staff_read(principal, "user.viewed", "user", [user["id"]], FIELDS)
        data = {"user_id": user["id"], "username": user["username"], "contact_id": body.get("contact_id")}
        return json_response(self.call("surveys", "add_reviewer", round_id, data), status=201)

    @api_operation(
        "Q3: take a reviewer out of the round with their assignments",
        permission=EDIT,
        responses={200: "Removed"},
        errors=(403, 404),
    )
    @http("DELETE", f"{BASE}/<round_id>/reviewers/<reviewer_id>")
    def api_round_reviewer_remove(self, request, round_id, reviewer_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("surveys", "remove_reviewer", round_id, reviewer_id))

    @api_operation(
        "Q3: record a reviewer's own declaration of a conflict with an application (application_id)",
        permission=EDIT,
        body=schemas.DeclarationInput,
        responses={200: "Declared"},
        errors=(403, 404, 422),
    )
    @http("POST", f"{BASE}/<round_id>/reviewers/<reviewer_id>/declarations")
    def api_round_reviewer_declare(self, request, round_id, reviewer_id):
        self.api_principal(request, EDIT)
        body = json_body(request)
        reason = body.get("reason") or ""
        application_id = body.get("application_id")
        return json_response(
            self.call("surveys", "declare_conflict", round_id, reviewer_id, application_id, reason)
        )

    @api_operation(
        "Q3: the round's assignments (who reviews which application; overridden conflicts with reasons)",
        permission=EDIT,
        responses={200: schemas.AssignmentList},
        errors=(403, 404),
    )
    @http("GET", f"{BASE}/<round_id>/assignments")
    def api_round_assignments(self, request, round_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("surveys", "list_assignments", round_id))

    @api_operation(
        "Q3: assign a reviewer by hand; 409 applications.conflict_of_interest (details.conflicts) unless "
        "override_reason is given, which is recorded and audited",
        permission=EDIT,
        body=schemas.AssignInput,
        responses={201: (schemas.Assignment, "Assigned")},
        errors=(403, 404, 409, 422),
    )
    @http("POST", f"{BASE}/<round_id>/assignments")
    def api_round_assign(self, request, round_id):
        self.api_principal(request, EDIT)
        return json_response(
            self.call("surveys", "assign_reviewer", round_id, json_body(request)), status=201
        )

    @api_operation(
        "Q3: give every application the round's reviewers_per_application, balanced, never a conflict",
        permission=EDIT,
        responses={200: schemas.AutoAssignResult},
        errors=(403, 404),
    )
    @http("POST", f"{BASE}/<round_id>/assignments:auto")
    def api_round_auto_assign(self, request, round_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("surveys", "auto_assign", round_id, timeout=120))

    @api_operation(
        "Q3: remove an assignment",
        permission=EDIT,
        responses={200: "Removed"},
        errors=(403, 404),
    )
    @http("DELETE", f"{BASE}/<round_id>/assignments/<assignment_id>")
    def api_round_unassign(self, request, round_id, assignment_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("surveys", "unassign_reviewer", round_id, assignment_id))


class DecisionsApiRoutes(GatewayCore):
    """Q3 step 4: the coordinator's view (averages, spread, flags) and decisions with their letters."""

    @api_operation(
        "Q3: per application the average weighted score (0-100), spread, per-criterion averages and flags "
        "(diverging reviews, scores under a criterion's minimum); never who gave which score",
        permission=EDIT,
        responses={200: schemas.RoundResults},
        errors=(403, 404),
    )
    @http("GET", f"{BASE}/<round_id>/results")
    def api_round_results(self, request, round_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("surveys", "round_results", round_id))

    @api_operation(
        "Q3: decide an application: accept or reject, with a note for the decision letter",
        permission=EDIT,
        body=schemas.DecisionInput,
        responses={200: schemas.Application},
        errors=(403, 404, 422),
    )
    @http("POST", f"{BASE}/<round_id>/applications/<application_id>/decision")
    def api_application_decide(self, request, round_id, application_id):
        self.api_principal(request, EDIT)
        decided = self.call("surveys", "decide_application", round_id, application_id, json_body(request))
        return json_response(decided)

    @api_operation(
        "Q3: the decision letter as text in the applicant's language (fi, sv, en): the decision and the "
        "note, never reviewers' names or scores; 409 before a decision",
        permission=EDIT,
        responses={
            200: file_response("text/plain", description="The letter (Content-Disposition: attachment)")
        },
        errors=(403, 404, 409),
    )
    @http("GET", f"{BASE}/<round_id>/applications/<application_id>/decision-letter")
    def api_application_letter(self, request, round_id, application_id):
        self.api_principal(request, EDIT)
        return letter_response(self.call("surveys", "decision_letter_text", round_id, application_id))

    @api_operation(
        "Q3: the decision letter as a PDF in the applicant's language (fi, sv, en) with the organisation's "
        "name, the decision, the reasoning and the date; never reviewers' names or scores; an audited read; "
        "409 before a decision",
        permission=EDIT,
        responses={
            200: file_response("application/pdf", description="The letter (Content-Disposition: attachment)")
        },
        errors=(403, 404, 409),
    )
    @http("GET", f"{BASE}/<round_id>/applications/<application_id>/decision-letter.pdf")
    def api_application_letter_pdf(self, request, round_id, application_id):
        self.api_principal(request, EDIT)
        return pdf_response(self.call("surveys", "decision_letter_pdf", round_id, application_id))
