"""OpenAPI paths of person details (C12, C9, C14, C10) and their filters on GET /api/v1/contacts."""

from gateway.openapi import CONTACT_ID, error_responses, json_content, openapi_paths
from services.contacts.person.contract import (
    AltName,
    AltNameInput,
    Couple,
    CoupleInput,
    DeceasedInput,
    Status,
    StatusInput,
    StatusKind,
    StatusKindInput,
)


def _id(name):
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}


def _body(schema):
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _list_of(schema):
    return {
        "description": "OK",
        "content": {
            "application/json": {
                "schema": {"type": "object", "properties": {"items": {"type": "array", "items": schema}}}
            }
        },
    }


DECEASED_ANSWER = {
    "description": "OK",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "contact_id": {"type": "string", "format": "uuid"},
                    "deceased_on": {"type": "string", "format": "date", "nullable": True},
                },
            }
        }
    },
}

FILTER_PARAMETERS = [
    {
        "name": "deceased",
        "in": "query",
        "schema": {"type": "string", "enum": ["exclude", "only", "include"], "default": "include"},
        "description": "C14: leave out the deceased (exclude), list only them (only), or both (include).",
    },
    {
        "name": "with_active_status",
        "in": "query",
        "schema": {"type": "string"},
        "description": "C9: only people with an active status of this kind code, or of any kind ('any').",
    },
    {
        "name": "exclude_active_status",
        "in": "query",
        "schema": {"type": "string"},
        "description": "C9: leave out people with an active status of this kind, or of any kind ('any').",
    },
    {
        "name": "one_per_couple",
        "in": "query",
        "schema": {"type": "string", "enum": ["true", "false"]},
        "description": (
            "C10: true keeps, of each couple, only the member with the smaller id (the other is left "
            "out even when the kept member is itself left out by another filter)."
        ),
    },
]


@openapi_paths
def person_paths(spec, secured):
    for name, schema in (
        ("AltName", AltName),
        ("AltNameInput", AltNameInput),
        ("Status", Status),
        ("StatusInput", StatusInput),
        ("StatusKind", StatusKind),
        ("StatusKindInput", StatusKindInput),
        ("DeceasedInput", DeceasedInput),
        ("Couple", Couple),
        ("CoupleInput", CoupleInput),
    ):
        spec.components.schema(name, schema=schema)
    read, write = error_responses(401, 403, 404, 503), error_responses(401, 403, 404, 409, 422, 503)
    op = {"security": secured}
    spec.path(
        "/api/v1/contacts/{contact_id}/names",
        operations={
            "get": {**op, "summary": "C12: a person's alternative names", "parameters": [CONTACT_ID],
                    "responses": {"200": _list_of({"$ref": "#/components/schemas/AltName"}), **read}},
            "post": {**op, "summary": "C12: add an alternative name (use_in_letters: at most one)",
                     "parameters": [CONTACT_ID], "requestBody": _body("AltNameInput"),
                     "responses": {"201": json_content("AltName", "Added"), **write}},
        },
    )  # fmt: skip
    spec.path(
        "/api/v1/contacts/{contact_id}/names/{name_id}",
        operations={
            "delete": {**op, "summary": "C12: remove an alternative name",
                       "parameters": [CONTACT_ID, _id("name_id")],
                       "responses": {"200": json_content("AltName", "Removed"), **read}},
        },
    )  # fmt: skip
    spec.path(
        "/api/v1/contacts/{contact_id}/statuses",
        operations={
            "get": {**op, "summary": "C9: a person's temporary statuses (active ones flagged)",
                    "parameters": [CONTACT_ID],
                    "responses": {"200": _list_of({"$ref": "#/components/schemas/Status"}), **read}},
            "post": {**op, "summary": "C9: add a temporary status", "parameters": [CONTACT_ID],
                     "requestBody": _body("StatusInput"),
                     "responses": {"201": json_content("Status", "Added"), **write}},
        },
    )  # fmt: skip
    spec.path(
        "/api/v1/contacts/{contact_id}/statuses/{status_id}",
        operations={
            "patch": {**op, "summary": "C9: change a status (end it now: {\"ends_on\": today})",
                      "parameters": [CONTACT_ID, _id("status_id")], "requestBody": _body("StatusInput"),
                      "responses": {"200": json_content("Status"), **write}},
            "delete": {**op, "summary": "C9: remove a status", "parameters": [CONTACT_ID, _id("status_id")],
                       "responses": {"200": json_content("Status", "Removed"), **read}},
        },
    )  # fmt: skip
    spec.path(
        "/api/v1/status-kinds",
        operations={
            "get": {**op, "summary": "C9: the kinds a status can have",
                    "responses": {"200": _list_of({"$ref": "#/components/schemas/StatusKind"}), **read}},
            "post": {**op, "summary": "C9: add a custom status kind (users.manage)",
                     "requestBody": _body("StatusKindInput"),
                     "responses": {"201": json_content("StatusKind", "Added"), **write}},
        },
    )  # fmt: skip
    spec.path(
        "/api/v1/contacts/{contact_id}/deceased",
        operations={
            "post": {**op, "summary": "C14: mark a person deceased (event contact_deceased)",
                     "parameters": [CONTACT_ID], "requestBody": _body("DeceasedInput"),
                     "responses": {"200": DECEASED_ANSWER, **write}},
            "delete": {**op, "summary": "C14: remove a mistaken death mark (audited on its own)",
                       "parameters": [CONTACT_ID], "responses": {"200": DECEASED_ANSWER, **read}},
        },
    )  # fmt: skip
    spec.path(
        "/api/v1/couples",
        operations={
            "post": {**op, "summary": "C10: link two persons as a couple (a person is in one couple at most)",
                     "requestBody": _body("CoupleInput"),
                     "responses": {"201": json_content("Couple", "Linked"), **write}},
        },
    )  # fmt: skip
    spec.path(
        "/api/v1/couples/{couple_id}",
        operations={
            "delete": {**op, "summary": "C10: unlink a couple", "parameters": [_id("couple_id")],
                       "responses": {"200": json_content("Couple", "Unlinked"), **read}},
        },
    )  # fmt: skip
    search = spec._paths.get("/api/v1/contacts", {}).get("get")
    if search is not None:
        search.setdefault("parameters", []).extend(FILTER_PARAMETERS)
