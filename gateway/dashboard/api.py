"""/api/v1/dashboard: the dashboard's figures as JSON (issue 13 item 2), with its OpenAPI path."""

from gateway.dashboard import schemas
from gateway.dashboard.figures import DashboardFigures
from gateway.http import http, json_response
from gateway.openapi import api_operation


class DashboardApiRoutes(DashboardFigures):
    @api_operation(
        (
            "The dashboard's cards (issue 13 item 2), each from one RPC of its service and only those the "
            "caller may open the list of: contacts and members with their trend, joined and left this month, "
            "duplicates and erasures waiting (contacts.view; counts audited as contact.counted), imports and "
            "exports in progress, my recent changes (audit.view), upcoming round birthdays; a card whose "
            "service did not answer in 5 s is null"
        ),
        responses={200: schemas.Dashboard},
        errors=(),
    )
    @http("GET", "/api/v1/dashboard")
    def api_dashboard(self, request):
        principal = self.api_principal(request)
        return json_response(self.dashboard_figures(principal))
