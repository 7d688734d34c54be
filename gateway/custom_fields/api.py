"""/api/v1/custom-fields: admins define custom fields (C3); values travel in contacts' "custom" object."""

from gateway.base import json_body
from gateway.core import GatewayCore
from gateway.custom_fields import schemas
from gateway.http import http, json_response
from gateway.openapi import api_operation
from gateway.roles import MANAGE_FIELDS, VIEW
from piiri.errors import NotFound


class CustomFieldsApi(GatewayCore):
    @api_operation(
        "Custom field definitions (C3) in display order, with value counts",
        permission="contacts.view",
        query=schemas.CustomFieldsListQuery,
        responses={200: schemas.CustomFieldList},
        errors=(403,),
    )
    @http("GET", "/api/v1/custom-fields")
    def api_custom_fields_list(self, request):
        self.api_principal(request, VIEW)
        include_removed = request.args.get("include_removed", "").lower() in ("1", "true", "yes")
        return json_response(
            self.call("contacts", "list_custom_fields", include_removed=include_removed, with_counts=True)
        )

    @api_operation(
        "Define a custom field (permission fields.manage)",
        description=(
            "Values are then read and written in a contact's `custom` object: text: a string of at most "
            "2000 characters; number: a JSON number (or text '1 234,5' / '1234.5'); date: 'yyyy-mm-dd' "
            "(or 'd.m.yyyy'); choice: one choice value; multi_choice: a list of distinct choice values; "
            "boolean: true/false (or 'kyllä'/'ei', 'yes'/'no', '1'/'0'); contact_link: the id of an "
            "existing contact. null clears a value."
        ),
        permission="fields.manage",
        body=schemas.CustomFieldInput,
        responses={201: (schemas.CustomField, "Created")},
        errors=(403, 422),
    )
    @http("POST", "/api/v1/custom-fields")
    def api_custom_fields_create(self, request):
        self.api_principal(request, MANAGE_FIELDS)
        field = self.call("contacts", "create_custom_field", json_body(request))
        return json_response(field, status=201, headers={"Location": f"/api/v1/custom-fields/{field['id']}"})

    @api_operation(
        "One custom field definition",
        permission="contacts.view",
        responses={200: schemas.CustomField},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/custom-fields/<field_id>")
    def api_custom_fields_get(self, request, field_id):
        self.api_principal(request, VIEW)
        fields = self.call("contacts", "list_custom_fields", include_removed=True, with_counts=True)["items"]
        for field in fields:
            if field["id"] == field_id:
                return json_response(field)
        raise NotFound(f"No custom field with id {field_id}.", {"id": field_id})

    @api_operation(
        "Change a definition (its type only while no contact has a value)",
        permission="fields.manage",
        body=schemas.CustomFieldInput,
        responses={200: schemas.CustomField},
        errors=(403, 404, 422),
    )
    @http("PATCH", "/api/v1/custom-fields/<field_id>")
    def api_custom_fields_update(self, request, field_id):
        self.api_principal(request, MANAGE_FIELDS)
        return json_response(self.call("contacts", "update_custom_field", field_id, json_body(request)))

    @api_operation(
        "Remove a field (values kept, restorable); purge=true purges a removed one",
        permission="fields.manage",
        query=schemas.CustomFieldsRemoveQuery,
        responses={200: "Removed or purged"},
        errors=(403, 404, 422),
    )
    @http("DELETE", "/api/v1/custom-fields/<field_id>")
    def api_custom_fields_remove(self, request, field_id):
        self.api_principal(request, MANAGE_FIELDS)
        if request.args.get("purge", "").lower() in ("1", "true", "yes"):
            return json_response(self.call("contacts", "purge_custom_field", field_id))
        return json_response(self.call("contacts", "remove_custom_field", field_id))

    @api_operation(
        "Restore a removed custom field with its values",
        permission="fields.manage",
        responses={200: schemas.CustomField},
        errors=(403, 404),
    )
    @http("POST", "/api/v1/custom-fields/<field_id>/restore")
    def api_custom_fields_restore(self, request, field_id):
        self.api_principal(request, MANAGE_FIELDS)
        return json_response(self.call("contacts", "restore_custom_field", field_id))
