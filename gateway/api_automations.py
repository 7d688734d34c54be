"""/api/v1/automations: group automations (C8) — definitions, run history and dry runs — with their
OpenAPI paths. Definitions and dry runs need automations.manage; the history needs contacts.view."""

from gateway.base import json_body
from gateway.http import http, json_response
from gateway.openapi import error_responses, json_content, openapi_paths
from gateway.roles import MANAGE_AUTOMATIONS, VIEW
from piiri.errors import ValidationFailed
from services.contacts.automations.contract import (
    Automation,
    AutomationInput,
    AutomationList,
    AutomationRun,
    DryRun,
    DryRunInput,
    RunPage,
)

BASE = "/api/v1/automations"


class AutomationsApiRoutes:
    @http("GET", BASE)
    def api_automations_list(self, request):
        self.api_principal(request, MANAGE_AUTOMATIONS)
        return json_response(self.call("contacts", "list_automations"))

    @http("POST", BASE)
    def api_automations_create(self, request):
        self.api_principal(request, MANAGE_AUTOMATIONS)
        automation = self.call("contacts", "create_automation", json_body(request))
        return json_response(automation, status=201, headers={"Location": f"{BASE}/{automation['id']}"})

    @http("POST", BASE + ":dry-run")
    def api_automations_dry_run(self, request):
        self.api_principal(request, MANAGE_AUTOMATIONS)
        data = json_body(request)
        horizon = data.pop("horizon_days", None)
        if "automation_id" in data:
            if set(data) != {"automation_id"}:
                raise ValidationFailed(
                    "Send either a definition or {automation_id}.", {"automation_id": ["Send it alone."]}
                )
            answer = self.call(
                "contacts", "dry_run", automation_id=data["automation_id"], horizon_days=horizon
            )
        else:
            answer = self.call("contacts", "dry_run", definition=data, horizon_days=horizon)
        return json_response(answer)

    @http("GET", BASE + "/<automation_id>")
    def api_automations_get(self, request, automation_id):
        self.api_principal(request, MANAGE_AUTOMATIONS)
        return json_response(self.call("contacts", "get_automation", automation_id))

    @http("PATCH", BASE + "/<automation_id>")
    def api_automations_update(self, request, automation_id):
        self.api_principal(request, MANAGE_AUTOMATIONS)
        return json_response(self.call("contacts", "update_automation", automation_id, json_body(request)))

    @http("DELETE", BASE + "/<automation_id>")
    def api_automations_delete(self, request, automation_id):
        self.api_principal(request, MANAGE_AUTOMATIONS)
        return json_response(self.call("contacts", "delete_automation", automation_id))

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


ID_PARAMETER = {
    "name": "automation_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "format": "uuid"},
}


@openapi_paths
def automations_paths(spec, secured):
    for name, schema in (
        ("Automation", Automation),
        ("AutomationInput", AutomationInput),
        ("AutomationList", AutomationList),
        ("AutomationRun", AutomationRun),
        ("AutomationRunPage", RunPage),
        ("AutomationDryRunInput", DryRunInput),
        ("AutomationDryRun", DryRun),
    ):
        spec.components.schema(name, schema=schema)
    body = {"required": True, "content": {"application/json": {"schema": "AutomationInput"}}}
    spec.path(
        BASE,
        operations={
            "get": {
                "summary": "Every group automation (C8) with when it last ran (needs automations.manage)",
                "security": secured,
                "responses": {"200": json_content("AutomationList"), **error_responses(401, 403, 503)},
            },
            "post": {
                "summary": (
                    "Set up an automation (C8): a trigger (member_joined, member_left, date_reached) and an "
                    "action (add_to_group, remove_from_group, set_status, end_status, publish_event). "
                    "Refused with 422 naming the field if invalid or if it would make a loop with other "
                    "automations (e.g. joined A -> add to B and joined B -> add to A)"
                ),
                "security": secured,
                "requestBody": body,
                "responses": {
                    "201": json_content("Automation"),
                    **error_responses(400, 401, 403, 422, 503),
                },
            },
        },
    )
    spec.path(
        BASE + ":dry-run",
        operations={
            "post": {
                "summary": (
                    "Who an automation would affect now (count and the first 50; an audited read): a "
                    "definition as on POST, or {automation_id}; member triggers: the trigger group's current "
                    "members; date_reached: contacts whose date is reached within horizon_days (30)"
                ),
                "security": secured,
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "oneOf": [
                                    {"$ref": "#/components/schemas/AutomationInput"},
                                    {"$ref": "#/components/schemas/AutomationDryRunInput"},
                                ]
                            }
                        }
                    },
                },  # fmt: skip
                "responses": {
                    "200": json_content("AutomationDryRun"),
                    **error_responses(400, 401, 403, 404, 422, 503),
                },
            }
        },
    )
    spec.path(
        BASE + "/{automation_id}",
        operations={
            "get": {
                "summary": "One automation (C8)",
                "security": secured,
                "parameters": [ID_PARAMETER],
                "responses": {"200": json_content("Automation"), **error_responses(401, 403, 404, 503)},
            },
            "patch": {
                "summary": 'Change any part of an automation, e.g. {"enabled": false}; validated and '
                "loop-checked as a whole",
                "security": secured,
                "parameters": [ID_PARAMETER],
                "requestBody": body,
                "responses": {
                    "200": json_content("Automation"),
                    **error_responses(400, 401, 403, 404, 422, 503),
                },
            },
            "delete": {
                "summary": "Delete an automation and its run history",
                "security": secured,
                "parameters": [ID_PARAMETER],
                "responses": {
                    "200": {"description": "Deleted: {id, deleted: true}"},
                    **error_responses(401, 403, 404, 503),
                },
            },
        },
    )
    spec.path(
        BASE + "/{automation_id}/runs",
        operations={
            "get": {
                "summary": (
                    "The automation's runs, newest first: when, who, outcome (done, skipped, failed) and why "
                    "(needs contacts.view; the contacts named are audited as one read)"
                ),
                "security": secured,
                "parameters": [
                    ID_PARAMETER,
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {"name": "cursor", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": json_content("AutomationRunPage"),
                    **error_responses(400, 401, 403, 404, 422, 503),
                },
            }
        },
    )
