"""/api/v1/automations: group automations (C8) — definitions, run history and dry runs — with their
OpenAPI paths. Definitions and dry runs need automations.manage; the history needs contacts.view."""

from gateway.automations import schemas
from gateway.base import json_body
from gateway.core import GatewayCore
from gateway.http import http, json_response
from gateway.openapi import api_operation
from gateway.roles import MANAGE_AUTOMATIONS, VIEW
from piiri.errors import ValidationFailed

BASE = "/api/v1/automations"


class AutomationsApiRoutes(GatewayCore):
    @api_operation(
        "Every group automation (C8) with when it last ran (needs automations.manage)",
        permission="automations.manage",
        responses={200: schemas.AutomationList},
        errors=(403,),
    )
    @http("GET", BASE)
    def api_automations_list(self, request):
        self.api_principal(request, MANAGE_AUTOMATIONS)
        return json_response(self.call("contacts", "list_automations"))

    @api_operation(
        (
            "Set up an automation (C8): a trigger (member_joined, member_left, date_reached, "
            "membership_paid_changed, membership_unpaid_on) and an "
            "action (add_to_group, remove_from_group, set_status, end_status, publish_event). Refused "
            "with 422 naming the field if invalid or if it would make a loop with other automations "
            "(e.g. joined A -> add to B and joined B -> add to A)"
        ),
        permission="automations.manage",
        body=schemas.AutomationInput,
        responses={201: schemas.Automation},
        errors=(400, 403, 422),
    )
    @http("POST", BASE)
    def api_automations_create(self, request):
        self.api_principal(request, MANAGE_AUTOMATIONS)
        automation = self.call("contacts", "create_automation", json_body(request))
        return json_response(automation, status=201, headers={"Location": f"{BASE}/{automation['id']}"})

    @api_operation(
        (
            "Who an automation would affect now (count and the first 50; an audited read): a definition "
            "as on POST, or {automation_id}; member triggers: the trigger group's current members; "
            "date_reached: contacts whose date is reached within horizon_days (30)"
        ),
        permission="automations.manage",
        body=(
            schemas.AutomationInput,
            schemas.DryRunInput,
        ),
        responses={200: schemas.DryRun},
        errors=(400, 403, 404, 422),
    )
    @http("POST", BASE + ":dry-run")
    def api_automations_dry_run(self, request):
        self.api_principal(request, MANAGE_AUTOMATIONS)
        data = json_body(request)
        horizon = data.pop("horizon_days", None)
        if "automation_id" in data:
            if set(data) != {"automation_id"}:
                raise ValidationFailed("au.err_alone", {"automation_id": ["au.err_alone"]})
            answer = self.call(
                "contacts", "dry_run", automation_id=data["automation_id"], horizon_days=horizon
            )
        else:
            answer = self.call("contacts", "dry_run", definition=data, horizon_days=horizon)
        return json_response(answer)

    @api_operation(
        "One automation (C8)",
        permission="automations.manage",
        responses={200: schemas.Automation},
        errors=(403, 404),
    )
    @http("GET", BASE + "/<automation_id>")
    def api_automations_get(self, request, automation_id):
        self.api_principal(request, MANAGE_AUTOMATIONS)
        return json_response(self.call("contacts", "get_automation", automation_id))

    @api_operation(
        'Change any part of an automation, e.g. {"enabled": false}; validated and loop-checked as a whole',
        permission="automations.manage",
        body=schemas.AutomationInput,
        responses={200: schemas.Automation},
        errors=(400, 403, 404, 422),
    )
    @http("PATCH", BASE + "/<automation_id>")
    def api_automations_update(self, request, automation_id):
        self.api_principal(request, MANAGE_AUTOMATIONS)
        return json_response(self.call("contacts", "update_automation", automation_id, json_body(request)))

    @api_operation(
        "Delete an automation and its run history",
        permission="automations.manage",
        responses={200: "Deleted: {id, deleted: true}"},
        errors=(403, 404),
    )
    @http("DELETE", BASE + "/<automation_id>")
    def api_automations_delete(self, request, automation_id):
        self.api_principal(request, MANAGE_AUTOMATIONS)
        return json_response(self.call("contacts", "delete_automation", automation_id))

    @api_operation(
        (
            "The automation's runs, newest first: when, who, outcome (done, skipped, failed) and why "
            "(needs contacts.view; the contacts named are audited as one read)"
        ),
        permission="contacts.view",
        query=schemas.AutomationsRunsQuery,
        responses={200: schemas.RunPage},
        errors=(400, 403, 404, 422),
    )
    @http("GET", BASE + "/<automation_id>/runs")
    def api_automations_runs(self, request, automation_id):
        self.api_principal(request, VIEW)
        return json_response(
            self.call(
                "contacts",
                "automation_history",
                automation_id=automation_id,
                limit=request.args.get("limit") or None,
                cursor=request.args.get("cursor") or None,
            )
        )
