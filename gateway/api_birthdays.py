"""/api/v1/birthdays and /api/v1/birthday-settings: upcoming round birthdays (C13) and their settings,
with their OpenAPI paths. Reading needs contacts.view; changing the settings needs users.manage."""

from gateway.base import json_body
from gateway.http import http, json_response
from gateway.openapi import error_responses, json_content, openapi_paths
from gateway.roles import MANAGE_USERS, VIEW
from services.contacts.birthdays.contract import BirthdaySettings, BirthdaySettingsInput, UpcomingBirthdays


class BirthdaysApiRoutes:
    @http("GET", "/api/v1/birthdays")
    def api_birthdays_upcoming(self, request):
        self.api_principal(request, VIEW)
        horizon = request.args.get("horizon_days") or None
        return json_response(self.call("contacts", "upcoming_birthdays", horizon_days=horizon))

    @http("GET", "/api/v1/birthday-settings")
    def api_birthdays_settings(self, request):
        self.api_principal(request, VIEW)
        return json_response(self.call("contacts", "get_birthday_settings"))

    @http("PUT", "/api/v1/birthday-settings")
    def api_birthdays_update_settings(self, request):
        self.api_principal(request, MANAGE_USERS)
        return json_response(self.call("contacts", "update_birthday_settings", json_body(request)))


@openapi_paths
def birthdays_paths(spec, secured):
    for name, schema in (
        ("BirthdaySettings", BirthdaySettings),  # before the list, which nests it
        ("BirthdaySettingsInput", BirthdaySettingsInput),
        ("UpcomingBirthdays", UpcomingBirthdays),
    ):
        spec.components.schema(name, schema=schema)
    spec.path(
        "/api/v1/birthdays",
        operations={
            "get": {
                "summary": (
                    "Upcoming round birthdays of important contacts (C13): living persons turning one of "
                    "the round ages from today to today + horizon, by date then name, at most 500 "
                    "(a person born on 29 February celebrates on 28 February in other years); "
                    "the read is audited"
                ),
                "security": secured,
                "parameters": [
                    {
                        "name": "horizon_days",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 366},
                        "description": "Days ahead; the settings' horizon when left out.",
                    }
                ],
                "responses": {
                    "200": json_content("UpcomingBirthdays"),
                    **error_responses(401, 403, 422, 503),
                },
            }
        },
    )
    spec.path(
        "/api/v1/birthday-settings",
        operations={
            "get": {
                "summary": "The round ages, the horizon and who is important (C13)",
                "security": secured,
                "responses": {"200": json_content("BirthdaySettings"), **error_responses(401, 403, 503)},
            },
            "put": {
                "summary": (
                    "Replace the round-birthday settings (needs users.manage): distinct ages 1..130, "
                    "horizon 1..366 days, important_filters as on GET /api/v1/contacts ({} = everyone)"
                ),
                "security": secured,
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": "BirthdaySettingsInput"}},
                },
                "responses": {
                    "200": json_content("BirthdaySettings"),
                    **error_responses(400, 401, 403, 422, 503),
                },
            },
        },
    )
