"""OpenAPI paths of person-organisation links and contact photos (C2), and the organisation filters
on GET /api/v1/contacts."""

from gateway.openapi import CONTACT_ID, PAGING, error_responses, json_content, openapi_paths
from services.contacts.affiliations.contract import (
    ROLES,
    Affiliation,
    AffiliationChanges,
    AffiliationInput,
    PeoplePage,
)
from services.contacts.photos.contract import PhotoInfo

AFFILIATION_ID = {
    "name": "affiliation_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "format": "uuid"},
}
ROLE_SCHEMA = {"type": "string", "enum": list(ROLES)}
IMAGE = {"schema": {"type": "string", "format": "binary"}}
FILTER_PARAMETERS = [
    {
        "name": "organisation_id",
        "in": "query",
        "schema": {"type": "string"},
        "description": (
            "C2: persons linked now (link not ended) to this organisation (a merged-away id finds the "
            "survivor's people); `<id>:<role>` or organisation_role narrows it to one role."
        ),
    },
    {
        "name": "organisation_role",
        "in": "query",
        "schema": ROLE_SCHEMA,
        "description": "C2: with organisation_id: in this role there; alone: in this role anywhere.",
    },
]


def _body(schema):
    return {"required": True, "content": {"application/json": {"schema": schema}}}


@openapi_paths
def affiliation_paths(spec, secured):
    for name, schema in (
        ("Affiliation", Affiliation),
        ("AffiliationInput", AffiliationInput),
        ("AffiliationChanges", AffiliationChanges),
        ("PeoplePage", PeoplePage),
        ("PhotoInfo", PhotoInfo),
    ):
        spec.components.schema(name, schema=schema)
    read, write = error_responses(401, 403, 404, 422, 503), error_responses(401, 403, 404, 409, 422, 503)
    op = {"security": secured}
    items = {
        "description": "OK",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Affiliation"}}
                    },
                }
            }
        },
    }
    spec.path(
        "/api/v1/contacts/{contact_id}/organisations",
        operations={
            "get": {**op, "summary": "C2: a person's organisations (every link, primary first; audited read)",
                    "parameters": [CONTACT_ID], "responses": {"200": items, **read}},
            "post": {**op, "summary": "C2: link the person to an organisation with a role (is_primary: "
                                      "the person's one main organisation; setting it unsets the old one)",
                     "parameters": [CONTACT_ID], "requestBody": _body("AffiliationInput"),
                     "responses": {"201": json_content("Affiliation", "Linked"), **write}},
        },
    )  # fmt: skip
    spec.path(
        "/api/v1/contacts/{contact_id}/people",
        operations={
            "get": {**op, "summary": "C2: an organisation's people by name (keyset paging; audited read)",
                    "parameters": [
                        CONTACT_ID, *PAGING,
                        {"name": "role", "in": "query", "schema": ROLE_SCHEMA},
                        {"name": "include_ended", "in": "query",
                         "schema": {"type": "boolean", "default": False},
                         "description": "Also links whose end date has passed."},
                    ],
                    "responses": {"200": json_content("PeoplePage"), **read}},
        },
    )  # fmt: skip
    spec.path(
        "/api/v1/affiliations/{affiliation_id}",
        operations={
            "patch": {**op, "summary": "C2: change a link's role, title, dates or primary mark",
                      "parameters": [AFFILIATION_ID], "requestBody": _body("AffiliationChanges"),
                      "responses": {"200": json_content("Affiliation"), **write}},
            "delete": {**op, "summary": "C2: remove a link", "parameters": [AFFILIATION_ID],
                       "responses": {"200": json_content("Affiliation", "Removed"), **read}},
        },
    )  # fmt: skip
    spec.path(
        "/api/v1/contacts/{contact_id}/photo",
        operations={
            "get": {**op, "summary": "C2: the contact's photo as image bytes (audited read; "
                                     "Cache-Control: private, no-store)",
                    "parameters": [CONTACT_ID],
                    "responses": {"200": {"description": "The image",
                                          "content": {"image/jpeg": IMAGE, "image/png": IMAGE,
                                                      "image/webp": IMAGE}},
                                  **error_responses(401, 403, 404, 503)}},
            "put": {**op, "summary": "C2: set the photo: JPEG, PNG or WebP (by the bytes, not the declared "
                                     "type), 2 MB at most; the raw image as the body, or multipart with a "
                                     "file field 'photo'",
                    "parameters": [CONTACT_ID],
                    "requestBody": {"required": True, "content": {
                        "image/jpeg": IMAGE, "image/png": IMAGE, "image/webp": IMAGE,
                        "multipart/form-data": {"schema": {"type": "object", "properties": {
                            "photo": {"type": "string", "format": "binary"}}}},
                    }},
                    "responses": {"200": json_content("PhotoInfo", "Stored"), **write}},
            "delete": {**op, "summary": "C2: remove the photo", "parameters": [CONTACT_ID],
                       "responses": {"200": {"description": "Removed"}, **read}},
        },
    )  # fmt: skip
    search = spec._paths.get("/api/v1/contacts", {}).get("get")
    if search is not None:
        search.setdefault("parameters", []).extend(FILTER_PARAMETERS)
