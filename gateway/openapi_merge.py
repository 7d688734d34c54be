"""OpenAPI paths of duplicates, comparison and merge (C11)."""

from gateway.openapi import CONTACT_ID, error_responses, json_content, openapi_paths
from services.contacts.merge.contract import Candidate, CandidatePair, DismissInput, MergeInput

OBJECT = {"type": "object"}


def _body(schema):
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _items(ref, **more):
    return {
        "type": "object",
        "properties": {"items": {"type": "array", "items": {"$ref": f"#/components/schemas/{ref}"}}, **more},
    }


@openapi_paths
def merge_paths(spec, secured):
    for name, schema in (
        ("DuplicateCandidate", Candidate),
        ("DuplicatePair", CandidatePair),
        ("DismissInput", DismissInput),
        ("MergeInput", MergeInput),
    ):
        spec.components.schema(name, schema=schema)
    read, write = error_responses(401, 403, 404, 422, 503), error_responses(401, 403, 404, 409, 422, 503)
    op = {"security": secured}
    spec.path(
        "/api/v1/contacts/{contact_id}/duplicates",
        operations={
            "get": {
                **op,
                "summary": "C11: contacts that may duplicate this one, best score (0..100) first",
                "parameters": [CONTACT_ID],
                "responses": {
                    "200": json_content(_items("DuplicateCandidate", contact_id={"type": "string"})),
                    **read,
                },
            },
        },
    )
    spec.path(
        "/api/v1/duplicates",
        operations={
            "get": {
                **op,
                "summary": "C11: duplicate pairs found by the scan, for review, best score first",
                "parameters": [
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 200},
                    },
                    {"name": "cursor", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": json_content(
                        _items("DuplicatePair", next_cursor={"type": "string", "nullable": True})
                    ),
                    **read,
                },
            },
        },
    )
    spec.path(
        "/api/v1/duplicates/dismiss",
        operations={
            "post": {
                **op,
                "summary": "C11: mark two contacts as not duplicates (contacts.edit)",
                "requestBody": _body("DismissInput"),
                "responses": {"200": json_content(OBJECT, "Dismissed"), **write},
            },
        },
    )
    spec.path(
        "/api/v1/duplicates/scan",
        operations={
            "post": {
                **op,
                "summary": "C11: scan contacts changed since the last scan (also every 5 min)",
                "parameters": [
                    {"name": "batch_size", "in": "query", "schema": {"type": "integer", "default": 500}},
                    {"name": "all", "in": "query", "schema": {"type": "string", "enum": ["true", "false"]}},
                ],
                "responses": {"200": json_content(OBJECT), **write},
            },
        },
    )
    spec.path(
        "/api/v1/contacts:compare",
        operations={
            "get": {
                **op,
                "summary": "C11: 2..5 contacts side by side (full records) and which fields differ",
                "parameters": [
                    {
                        "name": "ids",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string"},
                        "description": "Comma-separated contact ids",
                    }
                ],
                "responses": {
                    "200": json_content(
                        {
                            "type": "object",
                            "properties": {
                                "contacts": {"type": "array", "items": OBJECT},
                                "differs": {"type": "object", "additionalProperties": {"type": "boolean"}},
                            },
                        }
                    ),
                    **read,
                },
            },
        },
    )
    spec.path(
        "/api/v1/contacts:merge",
        operations={
            "post": {
                **op,
                "summary": (
                    "C11: merge contacts into the survivor (contacts.delete and contacts.edit): chosen "
                    "{field or custom.<key>: contact id} picks each value; every link moves; merged ids "
                    "resolve to the survivor; publishes contacts_merged"
                ),
                "requestBody": _body("MergeInput"),
                "responses": {"200": json_content(OBJECT, "Merged"), **write},
            },
        },
    )
