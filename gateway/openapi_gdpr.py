"""OpenAPI paths of G3 (access report) and G4 (erasure)."""

from gateway.openapi import CONTACT_ID, PAGING, error_responses, json_content, openapi_paths
from services.contacts.erasure.contract import Erasure, ErasureInput

ERASURE_ID = {
    "name": "erasure_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "format": "uuid"},
}


@openapi_paths
def gdpr_paths(spec, secured):
    spec.components.schema("Erasure", schema=Erasure)
    spec.components.schema("ErasureInput", schema=ErasureInput)
    read, write = error_responses(401, 403, 404, 422, 503), error_responses(401, 403, 404, 422, 503)
    op = {"security": secured}
    spec.path(
        "/api/v1/contacts/{contact_id}/access-report",
        operations={
            "get": {
                **op,
                "summary": (
                    "G3: everything every service holds about the person (gdpr.officer), as a JSON file "
                    "(schema_version, generated_at, services: {service: parts}) or a PDF; audited as "
                    "contact.access_report_exported"
                ),
                "parameters": [
                    CONTACT_ID,
                    {
                        "name": "format",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["json", "pdf"], "default": "json"},
                    },
                    {
                        "name": "language",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["fi", "en"]},
                        "description": "of the PDF; default the user's language",
                    },
                ],
                "responses": {
                    "200": {
                        "description": "The report as a download",
                        "content": {
                            "application/json": {"schema": {"type": "object"}},
                            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                        },
                    },
                    **read,
                },
            },
        },
    )
    spec.path(
        "/api/v1/contacts/{contact_id}:erase",
        operations={
            "post": {
                **op,
                "summary": (
                    "G4: erase the person in every service (gdpr.officer): the contacts service erases at "
                    "once, the others on the contact_erasure_requested event; idempotent per contact (a "
                    "repeat returns the first request). Afterwards the id is 404 everywhere"
                ),
                "parameters": [CONTACT_ID],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": "ErasureInput"}},
                },
                "responses": {"202": json_content("Erasure", "Requested; see status and pending"), **write},
            },
        },
    )
    spec.path(
        "/api/v1/erasures",
        operations={
            "get": {
                **op,
                "summary": (
                    "G4: erasure requests newest first (gdpr.officer): who asked, when, per-service progress"
                ),
                "parameters": [
                    *PAGING,
                    {
                        "name": "pending",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["true", "false"]},
                    },
                ],
                "responses": {
                    "200": json_content(
                        {
                            "type": "object",
                            "properties": {
                                "items": {"type": "array", "items": {"$ref": "#/components/schemas/Erasure"}},
                                "next_cursor": {"type": "string", "nullable": True},
                            },
                        }
                    ),
                    **read,
                },
            },
        },
    )
    spec.path(
        "/api/v1/erasures/{erasure_id}",
        operations={
            "get": {
                **op,
                "summary": "G4: one erasure and how far each service has got",
                "parameters": [ERASURE_ID],
                "responses": {"200": json_content("Erasure"), **read},
            },
        },
    )
    spec.path(
        "/api/v1/erasures/{erasure_id}:retry",
        operations={
            "post": {
                **op,
                "summary": "G4: send the erasure request again to the services still pending",
                "parameters": [ERASURE_ID],
                "responses": {"200": json_content("Erasure"), **write},
            },
        },
    )
