"""/api/v1 routes of person details: alternative names (C12), statuses (C9), deceased (C14), couples (C10)."""

from gateway import openapi_person  # noqa: F401  (registers the OpenAPI paths)
from gateway.base import json_body
from gateway.http import http, json_response
from gateway.roles import EDIT, MANAGE_USERS, VIEW


class PersonApiRoutes:
    @http("GET", "/api/v1/contacts/<contact_id>/names")
    def api_person_names(self, request, contact_id):
        self.api_principal(request, VIEW)
        return json_response({"items": self.call("contacts", "list_alt_names", contact_id)})

    @http("POST", "/api/v1/contacts/<contact_id>/names")
    def api_person_add_name(self, request, contact_id):
        self.api_principal(request, EDIT)
        return json_response(
            self.call("contacts", "add_alt_name", contact_id, json_body(request)), status=201
        )

    @http("DELETE", "/api/v1/contacts/<contact_id>/names/<name_id>")
    def api_person_remove_name(self, request, contact_id, name_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("contacts", "remove_alt_name", contact_id, name_id))

    @http("GET", "/api/v1/contacts/<contact_id>/statuses")
    def api_person_statuses(self, request, contact_id):
        self.api_principal(request, VIEW)
        return json_response({"items": self.call("contacts", "list_statuses", contact_id)})

    @http("POST", "/api/v1/contacts/<contact_id>/statuses")
    def api_person_add_status(self, request, contact_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("contacts", "add_status", contact_id, json_body(request)), status=201)

    @http("PATCH", "/api/v1/contacts/<contact_id>/statuses/<status_id>")
    def api_person_update_status(self, request, contact_id, status_id):
        self.api_principal(request, EDIT)
        return json_response(
            self.call("contacts", "update_status", contact_id, status_id, json_body(request))
        )

    @http("DELETE", "/api/v1/contacts/<contact_id>/statuses/<status_id>")
    def api_person_remove_status(self, request, contact_id, status_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("contacts", "remove_status", contact_id, status_id))

    @http("GET", "/api/v1/status-kinds")
    def api_person_status_kinds(self, request):
        self.api_principal(request, VIEW)
        return json_response({"items": self.call("contacts", "list_status_kinds")})

    @http("POST", "/api/v1/status-kinds")
    def api_person_add_status_kind(self, request):
        self.api_principal(request, MANAGE_USERS)
        return json_response(self.call("contacts", "add_status_kind", json_body(request)), status=201)

    @http("POST", "/api/v1/contacts/<contact_id>/deceased")
    def api_person_mark_deceased(self, request, contact_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("contacts", "mark_deceased", contact_id, json_body(request)))

    @http("DELETE", "/api/v1/contacts/<contact_id>/deceased")
    def api_person_unmark_deceased(self, request, contact_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("contacts", "unmark_deceased", contact_id))

    @http("POST", "/api/v1/couples")
    def api_person_link_couple(self, request):
        self.api_principal(request, EDIT)
        couple = self.call("contacts", "link_couple", json_body(request))
        return json_response(couple, status=201)

    @http("DELETE", "/api/v1/couples/<couple_id>")
    def api_person_unlink_couple(self, request, couple_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("contacts", "unlink_couple", couple_id))
