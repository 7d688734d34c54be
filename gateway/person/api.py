"""/api/v1 routes of person details: alternative names (C12), statuses (C9), deceased (C14), couples (C10)."""

from gateway.base import json_body
from gateway.core import GatewayCore
from gateway.http import http, json_response
from gateway.openapi import api_operation
from gateway.person import schemas
from gateway.roles import EDIT, MANAGE_USERS, VIEW


class PersonApiRoutes(GatewayCore):
    @api_operation(
        "C12: a person's alternative names",
        permission="contacts.view",
        responses={200: schemas.PersonNamesResponse},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/contacts/<contact_id>/names")
    def api_person_names(self, request, contact_id):
        self.api_principal(request, VIEW)
        return json_response({"items": self.call("contacts", "list_alt_names", contact_id)})

    @api_operation(
        "C12: add an alternative name (use_in_letters: at most one)",
        permission="contacts.edit",
        body=schemas.AltNameInput,
        responses={201: (schemas.AltName, "Added")},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/contacts/<contact_id>/names")
    def api_person_add_name(self, request, contact_id):
        self.api_principal(request, EDIT)
        return json_response(
            self.call("contacts", "add_alt_name", contact_id, json_body(request)), status=201
        )

    @api_operation(
        "C12: remove an alternative name",
        permission="contacts.edit",
        responses={200: (schemas.AltName, "Removed")},
        errors=(403, 404),
    )
    @http("DELETE", "/api/v1/contacts/<contact_id>/names/<name_id>")
    def api_person_remove_name(self, request, contact_id, name_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("contacts", "remove_alt_name", contact_id, name_id))

    @api_operation(
        "C9: a person's temporary statuses (active ones flagged)",
        permission="contacts.view",
        responses={200: schemas.PersonStatusesResponse},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/contacts/<contact_id>/statuses")
    def api_person_statuses(self, request, contact_id):
        self.api_principal(request, VIEW)
        return json_response({"items": self.call("contacts", "list_statuses", contact_id)})

    @api_operation(
        "C9: add a temporary status",
        permission="contacts.edit",
        body=schemas.StatusInput,
        responses={201: (schemas.Status, "Added")},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/contacts/<contact_id>/statuses")
    def api_person_add_status(self, request, contact_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("contacts", "add_status", contact_id, json_body(request)), status=201)

    @api_operation(
        'C9: change a status (end it now: {"ends_on": today})',
        permission="contacts.edit",
        body=schemas.StatusInput,
        responses={200: schemas.Status},
        errors=(403, 404, 409, 422),
    )
    @http("PATCH", "/api/v1/contacts/<contact_id>/statuses/<status_id>")
    def api_person_update_status(self, request, contact_id, status_id):
        self.api_principal(request, EDIT)
        return json_response(
            self.call("contacts", "update_status", contact_id, status_id, json_body(request))
        )

    @api_operation(
        "C9: remove a status",
        permission="contacts.edit",
        responses={200: (schemas.Status, "Removed")},
        errors=(403, 404),
    )
    @http("DELETE", "/api/v1/contacts/<contact_id>/statuses/<status_id>")
    def api_person_remove_status(self, request, contact_id, status_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("contacts", "remove_status", contact_id, status_id))

    @api_operation(
        "C9: the kinds a status can have",
        permission="contacts.view",
        responses={200: schemas.PersonStatusKindsResponse},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/status-kinds")
    def api_person_status_kinds(self, request):
        self.api_principal(request, VIEW)
        return json_response({"items": self.call("contacts", "list_status_kinds")})

    @api_operation(
        "C9: add a custom status kind (users.manage)",
        permission="users.manage",
        body=schemas.StatusKindInput,
        responses={201: (schemas.StatusKind, "Added")},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/status-kinds")
    def api_person_add_status_kind(self, request):
        self.api_principal(request, MANAGE_USERS)
        return json_response(self.call("contacts", "add_status_kind", json_body(request)), status=201)

    @api_operation(
        "C14: mark a person deceased (event contact_deceased)",
        permission="contacts.edit",
        body=schemas.DeceasedInput,
        responses={200: schemas.PersonMarkDeceasedResponse},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/contacts/<contact_id>/deceased")
    def api_person_mark_deceased(self, request, contact_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("contacts", "mark_deceased", contact_id, json_body(request)))

    @api_operation(
        "C14: remove a mistaken death mark (audited on its own)",
        permission="contacts.edit",
        responses={200: schemas.PersonMarkDeceasedResponse},
        errors=(403, 404),
    )
    @http("DELETE", "/api/v1/contacts/<contact_id>/deceased")
    def api_person_unmark_deceased(self, request, contact_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("contacts", "unmark_deceased", contact_id))

    @api_operation(
        "C10: link two persons as a couple (a person is in one couple at most)",
        permission="contacts.edit",
        body=schemas.CoupleInput,
        responses={201: (schemas.Couple, "Linked")},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/couples")
    def api_person_link_couple(self, request):
        self.api_principal(request, EDIT)
        couple = self.call("contacts", "link_couple", json_body(request))
        return json_response(couple, status=201)

    @api_operation(
        "C10: unlink a couple",
        permission="contacts.edit",
        responses={200: (schemas.Couple, "Unlinked")},
        errors=(403, 404),
    )
    @http("DELETE", "/api/v1/couples/<couple_id>")
    def api_person_unlink_couple(self, request, couple_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("contacts", "unlink_couple", couple_id))
