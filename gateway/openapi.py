"""The OpenAPI 3 document of /api/v1, generated from the marshmallow contract schemas."""

from functools import cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema, fields

from services.contacts.contract import Contact, ContactInput, ContactPage


class TokenRequest(Schema):
    username = fields.String(required=True)
    password = fields.String(required=True, load_only=True)
    totp = fields.String(
        load_only=True,
        metadata={
            "description": (
                "S1: the 6-digit code of a two-factor account; a missing or wrong code gets the same 401 "
                "as a wrong password (issue 12 item 7f)."
            )
        },
    )


class TokenResponse(Schema):
    token = fields.String(required=True, metadata={"description": "Send as `Authorization: Bearer <token>`."})
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    username = fields.String()
    role = fields.String()


class Error(Schema):
    error = fields.String(
        required=True, metadata={"description": "Machine-readable code, e.g. validation_failed."}
    )
    message = fields.String(required=True)
    details = fields.Dict(metadata={"description": "For validation errors: field name -> list of messages."})


class AuditActor(Schema):
    id = fields.String()
    username = fields.String()
    kind = fields.String()


class AuditEvent(Schema):
    event_id = fields.UUID()
    occurred_at = fields.DateTime()
    service = fields.String()
    action = fields.String(metadata={"example": "contact.viewed"})
    actor = fields.Nested(AuditActor)
    request_id = fields.String(allow_none=True)
    subject_ids = fields.List(fields.String())
    fields_ = fields.List(fields.String(), data_key="fields")
    details = fields.Dict()


class AuditPage(Schema):
    items = fields.List(fields.Nested(AuditEvent))
    next_cursor = fields.String(allow_none=True)


class Health(Schema):
    status = fields.String(
        metadata={
            "description": "ok; degraded (exports or imports, or their workers, are missing: their jobs "
            "wait); unavailable (503: contacts or audit do not answer)."
        }
    )
    services = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "Each service: ok, or why not."},
    )
    workers = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(allow_none=True),
        metadata={
            "description": "Consumers of each job queue (import_worker, exports_worker); null: no broker."
        },
    )


def error_responses(*codes):
    names = {
        400: "Bad request",
        401: "Not authenticated",
        403: "Permission denied",
        404: "Not found",
        409: "Conflict",
        422: "A field is not valid",
        429: "Too many attempts",
        503: "Unavailable",
    }
    return {
        str(code): {"description": names[code], "content": {"application/json": {"schema": "Error"}}}
        for code in codes
    }


def json_content(schema, description="OK"):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


CONTACT_ID = {
    "name": "contact_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "format": "uuid"},
}
PAGING = [
    {
        "name": "limit",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 25},
    },
    {
        "name": "cursor",
        "in": "query",
        "schema": {"type": "string"},
        "description": "next_cursor of the previous page",
    },
]


PATH_REGISTRARS = []


def openapi_paths(function):
    """Decorator for a feature's ``function(spec, secured)`` that adds its schemas and paths."""
    PATH_REGISTRARS.append(function)
    return function


@cache
def openapi_document():
    spec = APISpec(
        title="Piiri API",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "Contacts and their audit trail. Every read of personal data is audited."},
        servers=[{"url": "/"}],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.security_scheme("session", {"type": "apiKey", "in": "cookie", "name": "piiri_session"})
    for name, schema in (
        ("Contact", Contact),
        ("ContactInput", ContactInput),
        ("ContactPage", ContactPage),
        ("TokenRequest", TokenRequest),
        ("TokenResponse", TokenResponse),
        ("Error", Error),
        ("AuditPage", AuditPage),
        ("Health", Health),
    ):
        spec.components.schema(name, schema=schema)
    secured = [{"bearer": []}, {"session": []}]
    spec.path(
        "/health",
        operations={
            "get": {
                "summary": "200 ok or degraded while contacts and audit answer over the bus; 503 otherwise",
                "security": [],
                "responses": {"200": json_content("Health"), **error_responses(503)},
            }
        },
    )
    spec.path(
        "/api/v1/auth/token",
        operations={
            "post": {
                "summary": "Exchange username and password for a bearer token",
                "security": [],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": "TokenRequest"}},
                },
                "responses": {
                    "201": json_content("TokenResponse", "Token issued"),
                    **error_responses(401, 403, 429),
                    "423": {
                        "description": "account_locked: too many failed logins; until details.locked_until",
                        "content": {"application/json": {"schema": "Error"}},
                    },
                },
            },
            "delete": {
                "summary": "Revoke the token used for this call (an API token for another system for good)",
                "security": secured,
                "responses": {"200": {"description": "Revoked"}, **error_responses(401)},
            },
        },
    )
    spec.path(
        "/api/v1/contacts",
        operations={
            "get": {
                "summary": "Search contacts: accent- and case-insensitive, prefix and typo tolerant",
                "security": secured,
                "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}, *PAGING],
                "responses": {"200": json_content("ContactPage"), **error_responses(401, 403, 422, 503)},
            },
            "post": {
                "summary": "Create a contact",
                "security": secured,
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": "ContactInput"}},
                },
                "responses": {
                    "201": json_content("Contact", "Created"),
                    **error_responses(401, 403, 422, 503),
                },
            },
        },
    )
    spec.path(
        "/api/v1/contacts/{contact_id}",
        operations={
            "get": {
                "summary": "One contact",
                "security": secured,
                "parameters": [CONTACT_ID],
                "responses": {"200": json_content("Contact"), **error_responses(401, 403, 404, 503)},
            },
            "patch": {
                "summary": "Change some fields of a contact",
                "security": secured,
                "parameters": [CONTACT_ID],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": "ContactInput"}},
                },
                "responses": {"200": json_content("Contact"), **error_responses(401, 403, 404, 422, 503)},
            },
            "delete": {
                "summary": "Delete a contact",
                "security": secured,
                "parameters": [CONTACT_ID],
                "responses": {"200": {"description": "Deleted"}, **error_responses(401, 403, 404, 503)},
            },
        },
    )
    spec.path(
        "/api/v1/contacts/{contact_id}/audit",
        operations={
            "get": {
                "summary": "Who viewed and changed this contact, newest first",
                "security": secured,
                "parameters": [
                    CONTACT_ID,
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                    {"name": "cursor", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": {"200": json_content("AuditPage"), **error_responses(401, 403, 404, 503)},
            },
        },
    )
    for register in PATH_REGISTRARS:
        register(spec, secured)
    return spec.to_dict()
