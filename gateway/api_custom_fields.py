"""/api/v1/custom-fields: admins define custom fields (C3); values travel in contacts' "custom" object."""

from gateway.base import json_body
from gateway.http import http, json_response
from gateway.openapi import error_responses, json_content, openapi_paths
from gateway.roles import MANAGE_FIELDS, VIEW
from piiri.errors import NotFound
from services.contacts.custom_fields.contract import Choice, CustomField, CustomFieldInput, CustomFieldList


class CustomFieldsApi:
    @http("GET", "/api/v1/custom-fields")
    def api_custom_fields_list(self, request):
        self.api_principal(request, VIEW)
        include_removed = request.args.get("include_removed", "").lower() in ("1", "true", "yes")
        return json_response(
            self.call("contacts", "list_custom_fields", include_removed=include_removed, with_counts=True)
        )

    @http("POST", "/api/v1/custom-fields")
    def api_custom_fields_create(self, request):
        self.api_principal(request, MANAGE_FIELDS)
        field = self.call("contacts", "create_custom_field", json_body(request))
        return json_response(field, status=201, headers={"Location": f"/api/v1/custom-fields/{field['id']}"})

    @http("GET", "/api/v1/custom-fields/<field_id>")
    def api_custom_fields_get(self, request, field_id):
        self.api_principal(request, VIEW)
        fields = self.call("contacts", "list_custom_fields", include_removed=True, with_counts=True)["items"]
        for field in fields:
            if field["id"] == field_id:
                return json_response(field)
        raise NotFound(f"No custom field with id {field_id}.", {"id": field_id})

    @http("PATCH", "/api/v1/custom-fields/<field_id>")
    def api_custom_fields_update(self, request, field_id):
        self.api_principal(request, MANAGE_FIELDS)
        return json_response(self.call("contacts", "update_custom_field", field_id, json_body(request)))

    @http("DELETE", "/api/v1/custom-fields/<field_id>")
    def api_custom_fields_remove(self, request, field_id):
        self.api_principal(request, MANAGE_FIELDS)
        if request.args.get("purge", "").lower() in ("1", "true", "yes"):
            return json_response(self.call("contacts", "purge_custom_field", field_id))
        return json_response(self.call("contacts", "remove_custom_field", field_id))

    @http("POST", "/api/v1/custom-fields/<field_id>/restore")
    def api_custom_fields_restore(self, request, field_id):
        self.api_principal(request, MANAGE_FIELDS)
        return json_response(self.call("contacts", "restore_custom_field", field_id))


FIELD_ID = {
    "name": "field_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "format": "uuid"},
}
FILTER_PARAMETERS = [
    {
        "name": "custom.{key}",
        "in": "query",
        "schema": {"type": "string"},
        "description": (
            "Custom field filter (C3), e.g. `custom.jasenlaji=varsinainen`: equal to the value, case- and "
            "accent-insensitively (numbers as 1234,5 or 1234.5; dates as d.m.yyyy or yyyy-mm-dd; "
            "booleans as true/false); a multi_choice field: holds the value. `custom.{key}__gte` and "
            "`custom.{key}__lte`: at least / at most, for number and date fields. A key that names no "
            "active field matches no contact."
        ),
    },
    {
        "name": "custom_text",
        "in": "query",
        "schema": {"type": "string"},
        "description": "Contacts whose text or choice custom values contain every word.",
    },
]


@openapi_paths
def custom_field_paths(spec, secured):
    for name, schema in (
        ("CustomFieldChoice", Choice),
        ("CustomFieldInput", CustomFieldInput),
        ("CustomField", CustomField),
        ("CustomFieldList", CustomFieldList),
    ):
        spec.components.schema(name, schema=schema)
    body = {"required": True, "content": {"application/json": {"schema": "CustomFieldInput"}}}
    include_removed = {"name": "include_removed", "in": "query", "schema": {"type": "boolean"}}
    spec.path(
        "/api/v1/custom-fields",
        operations={
            "get": {
                "summary": "Custom field definitions (C3) in display order, with value counts",
                "security": secured,
                "parameters": [include_removed],
                "responses": {"200": json_content("CustomFieldList"), **error_responses(401, 403, 503)},
            },
            "post": {
                "summary": "Define a custom field (permission fields.manage)",
                "description": "Values are then read and written in a contact's `custom` object: "
                + CustomField().fields["field_type"].metadata["description"],
                "security": secured,
                "requestBody": body,
                "responses": {
                    "201": json_content("CustomField", "Created"),
                    **error_responses(401, 403, 422, 503),
                },
            },
        },
    )
    spec.path(
        "/api/v1/custom-fields/{field_id}",
        operations={
            "get": {
                "summary": "One custom field definition",
                "security": secured,
                "parameters": [FIELD_ID],
                "responses": {"200": json_content("CustomField"), **error_responses(401, 403, 404, 503)},
            },
            "patch": {
                "summary": "Change a definition (its type only while no contact has a value)",
                "security": secured,
                "parameters": [FIELD_ID],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/CustomFieldInput"}}
                    },
                },
                "responses": {"200": json_content("CustomField"), **error_responses(401, 403, 404, 422, 503)},
            },
            "delete": {
                "summary": "Remove a field (values kept, restorable); purge=true purges a removed one",
                "security": secured,
                "parameters": [FIELD_ID, {"name": "purge", "in": "query", "schema": {"type": "boolean"}}],
                "responses": {
                    "200": {"description": "Removed or purged"},
                    **error_responses(401, 403, 404, 422, 503),
                },
            },
        },
    )
    spec.path(
        "/api/v1/custom-fields/{field_id}/restore",
        operations={
            "post": {
                "summary": "Restore a removed custom field with its values",
                "security": secured,
                "parameters": [FIELD_ID],
                "responses": {"200": json_content("CustomField"), **error_responses(401, 403, 404, 503)},
            }
        },
    )
    # The contact search documents every filter; ours join its GET parameters (apispec keeps paths here).
    contacts_path = getattr(spec, "_paths", {}).get("/api/v1/contacts", {})
    if "get" in contacts_path:
        contacts_path["get"].setdefault("parameters", []).extend(FILTER_PARAMETERS)
