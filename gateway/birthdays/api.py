"""/api/v1/birthdays and /api/v1/birthday-settings: upcoming round birthdays (C13) and their settings,
with their OpenAPI paths. Reading needs contacts.view; changing the settings needs users.manage."""

from gateway.base import json_body
from gateway.birthdays import schemas
from gateway.core import GatewayCore
from gateway.http import http, json_response
from gateway.openapi import api_operation
from gateway.roles import MANAGE_USERS, VIEW


class BirthdaysApiRoutes(GatewayCore):
    @api_operation(
        (
            "Upcoming round birthdays of important contacts (C13): living persons turning one of the "
            "round ages from today to today + horizon, by date then name, at most 500 (a person born on "
            "29 February celebrates on 28 February in other years); the read is audited"
        ),
        permission="contacts.view",
        query=schemas.BirthdaysUpcomingQuery,
        responses={200: schemas.UpcomingBirthdays},
        errors=(403, 422),
    )
    @http("GET", "/api/v1/birthdays")
    def api_birthdays_upcoming(self, request):
        self.api_principal(request, VIEW)
        horizon = request.args.get("horizon_days") or None
        return json_response(self.call("contacts", "upcoming_birthdays", horizon_days=horizon))

    @api_operation(
        "The round ages, the horizon and who is important (C13)",
        permission="contacts.view",
        responses={200: schemas.BirthdaySettings},
        errors=(403,),
    )
    @http("GET", "/api/v1/birthday-settings")
    def api_birthdays_settings(self, request):
        self.api_principal(request, VIEW)
        return json_response(self.call("contacts", "get_birthday_settings"))

    @api_operation(
        (
            "Replace the round-birthday settings (needs users.manage): distinct ages 1..130, horizon "
            "1..366 days, important_filters as on GET /api/v1/contacts ({} = everyone)"
        ),
        permission="users.manage",
        body=schemas.BirthdaySettingsInput,
        responses={200: schemas.BirthdaySettings},
        errors=(400, 403, 422),
    )
    @http("PUT", "/api/v1/birthday-settings")
    def api_birthdays_update_settings(self, request):
        self.api_principal(request, MANAGE_USERS)
        return json_response(self.call("contacts", "update_birthday_settings", json_body(request)))
