"""/api/v1/surveys (Q1, Q2): the LimeSurvey installation's surveys, linked surveys (whose members are the
participants, the mapping of questions to contact fields, what responses do), pushing participants,
invitations, reminders, bringing a survey in step, its participants and responses, and the changes
responses propose. Managing needs contacts.export (participants leave Piiri), bringing in step
contacts.import, reading participants and responses contacts.view, deciding a proposal contacts.edit."""

from gateway.base import json_body
from gateway.core import GatewayCore
from gateway.http import http, json_response
from gateway.openapi import api_operation
from gateway.roles import EDIT, EXPORT, IMPORT, VIEW
from gateway.surveys import schemas


def _int_arg(request, name, default):
    value = request.args.get(name)
    if value is None or value == "":
        return default
    return int(value) if value.lstrip("-").isdigit() else value


class SurveysApiRoutes(GatewayCore):
    @api_operation(
        "The LimeSurvey installation's surveys, and which are linked (Q1)",
        permission=EXPORT,
        responses={200: schemas.RemoteSurveyList},
        errors=(403,),
    )
    @http("GET", "/api/v1/surveys/remote")
    def api_surveys_remote(self, request):
        self.api_principal(request, EXPORT)
        return json_response(self.call("surveys", "list_remote_surveys"))

    @api_operation(
        "Linked surveys with their participant and response counts",
        permission=EXPORT,
        responses={200: schemas.SurveyLinkList},
        errors=(403,),
    )
    @http("GET", "/api/v1/surveys")
    def api_surveys_list(self, request):
        self.api_principal(request, EXPORT)
        return json_response(self.call("surveys", "list_links"))

    @api_operation(
        "Link a LimeSurvey survey (its sid): whose members are its participants, how questions map to "
        "contact fields, what responses do; 404 if LimeSurvey has no such survey, 409 if already linked",
        permission=EXPORT,
        body=schemas.LinkInput,
        responses={201: (schemas.SurveyLink, "Linked")},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/surveys")
    def api_surveys_link(self, request):
        self.api_principal(request, EXPORT)
        link = self.call("surveys", "link_survey", json_body(request))
        return json_response(link, status=201, headers={"Location": f"/api/v1/surveys/{link['id']}"})

    @api_operation(
        "One linked survey with counts (participants, invited, reminded, completed, responses)",
        permission=EXPORT,
        responses={200: schemas.SurveyLink},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/surveys/<link_id>")
    def api_surveys_get(self, request, link_id):
        self.api_principal(request, EXPORT)
        return json_response(self.call("surveys", "get_link", link_id))

    @api_operation(
        "Change a link: selection, mapping, known_mode, new_people, new_people_group_id",
        permission=EXPORT,
        body=schemas.LinkChanges,
        responses={200: schemas.SurveyLink},
        errors=(403, 404, 422),
    )
    @http("PATCH", "/api/v1/surveys/<link_id>")
    def api_surveys_update(self, request, link_id):
        self.api_principal(request, EXPORT)
        return json_response(self.call("surveys", "update_link", link_id, json_body(request)))

    @api_operation(
        "Unlink a survey: Piiri forgets its participants and responses (LimeSurvey keeps its own)",
        permission=EXPORT,
        responses={200: "Unlinked"},
        errors=(403, 404),
    )
    @http("DELETE", "/api/v1/surveys/<link_id>")
    def api_surveys_unlink(self, request, link_id):
        self.api_principal(request, EXPORT)
        return json_response(self.call("surveys", "unlink_survey", link_id))

    @api_operation(
        "Push the linked group's or saved search's members not pushed yet as participants (tokens) with "
        "attributes; only members with an e-mail who have not opted out",
        permission=EXPORT,
        responses={200: schemas.PushResult},
        errors=(403, 404, 409),
    )
    @http("POST", "/api/v1/surveys/<link_id>:push")
    def api_surveys_push(self, request, link_id):
        self.api_principal(request, EXPORT)
        return json_response(self.call("surveys", "push_participants", link_id, timeout=300))

    @api_operation(
        "Send the invitations LimeSurvey has not sent yet",
        permission=EXPORT,
        responses={200: schemas.SendResult},
        errors=(403, 404, 409),
    )
    @http("POST", "/api/v1/surveys/<link_id>:invite")
    def api_surveys_invite(self, request, link_id):
        self.api_principal(request, EXPORT)
        return json_response(self.call("surveys", "invite_participants", link_id, timeout=120))

    @api_operation(
        "Remind the invited who have not completed",
        permission=EXPORT,
        body=schemas.RemindInput,
        responses={200: schemas.SendResult},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/surveys/<link_id>:remind")
    def api_surveys_remind(self, request, link_id):
        self.api_principal(request, EXPORT)
        body = json_body(request) if request.get_data() else {}
        return json_response(
            self.call(
                "surveys",
                "remind_participants",
                link_id,
                body.get("min_days_between"),
                body.get("max_reminders"),
                timeout=120,
            )
        )

    @api_operation(
        "Bring the survey in step now: participants' invited/reminded/completed, and the new complete "
        "responses taken into the registry (Q2)",
        permission=IMPORT,
        responses={200: schemas.SyncResult},
        errors=(403, 404, 409),
    )
    @http("POST", "/api/v1/surveys/<link_id>:sync")
    def api_surveys_sync(self, request, link_id):
        self.api_principal(request, IMPORT)
        return json_response(self.call("surveys", "sync_survey", link_id, timeout=300))

    @api_operation(
        "A page of the survey's participants: invited, reminded, completed (an audited read)",
        permission=VIEW,
        query=schemas.PageQuery,
        responses={200: schemas.ParticipantList},
        errors=(403, 404, 422),
    )
    @http("GET", "/api/v1/surveys/<link_id>/participants")
    def api_surveys_participants(self, request, link_id):
        self.api_principal(request, VIEW)
        limit, offset = _int_arg(request, "limit", 100), _int_arg(request, "offset", 0)
        return json_response(self.call("surveys", "list_participants", link_id, limit, offset))

    @api_operation(
        "A page of the responses taken in: mapped answers and what became of each (an audited read)",
        permission=VIEW,
        query=schemas.PageQuery,
        responses={200: schemas.ResponseList},
        errors=(403, 404, 422),
    )
    @http("GET", "/api/v1/surveys/<link_id>/responses")
    def api_surveys_responses(self, request, link_id):
        self.api_principal(request, VIEW)
        limit, offset = _int_arg(request, "limit", 100), _int_arg(request, "offset", 0)
        return json_response(self.call("surveys", "list_responses", link_id, limit, offset))

    @api_operation(
        "Changes that survey responses propose to contacts (state open by default; an audited read)",
        permission=VIEW,
        query=schemas.ProposalsQuery,
        responses={200: schemas.ProposalList},
        errors=(403, 404, 422),
    )
    @http("GET", "/api/v1/survey-proposals")
    def api_survey_proposals(self, request):
        self.api_principal(request, VIEW)
        state = request.args.get("state", "open") or None
        return json_response(
            self.call(
                "surveys",
                "list_proposals",
                request.args.get("survey_id") or None,
                state,
                _int_arg(request, "limit", 100),
            )
        )

    @api_operation(
        "Accept a proposed change: it is written to the contact (audited like any edit)",
        permission=EDIT,
        responses={200: schemas.Proposal},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/survey-proposals/<proposal_id>:accept")
    def api_survey_proposal_accept(self, request, proposal_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("surveys", "decide_proposal", proposal_id, True))

    @api_operation(
        "Reject a proposed change: the contact stays as it is",
        permission=EDIT,
        responses={200: schemas.Proposal},
        errors=(403, 404, 409),
    )
    @http("POST", "/api/v1/survey-proposals/<proposal_id>:reject")
    def api_survey_proposal_reject(self, request, proposal_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("surveys", "decide_proposal", proposal_id, False))
