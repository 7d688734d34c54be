"""/api/v1/contacts:search and /api/v1/contacts:search-count: advanced search with AND/OR/NOT
expressions, sorting and keyset paging (C4), with their OpenAPI paths. Both need contacts.view."""

from gateway.base import json_body
from gateway.http import http, json_response
from gateway.openapi import error_responses, json_content, openapi_paths
from gateway.roles import VIEW
from services.contacts.advanced_search.contract import (
    DIRECTIONS,
    EXPRESSION_DESCRIPTION,
    MAX_DEPTH,
    MAX_LEAVES,
    SORTS,
)


class AdvancedSearchApiRoutes:
    @http("POST", "/api/v1/contacts:search")
    def api_advanced_search_search(self, request):
        self.api_principal(request, VIEW)
        body = json_body(request)
        page = self.call(
            "contacts",
            "search_contacts_advanced",
            body.get("expression"),
            sort=body.get("sort"),
            direction=body.get("direction"),
            limit=body.get("limit"),
            cursor=body.get("cursor"),
        )
        return json_response(page)

    @http("POST", "/api/v1/contacts:search-count")
    def api_advanced_search_count(self, request):
        self.api_principal(request, VIEW)
        body = json_body(request)
        return json_response(self.call("contacts", "count_contacts_advanced", body.get("expression")))


def expression_schema():
    """The expression's JSON schema: a recursive oneOf of the five node shapes."""
    node = {"$ref": "#/components/schemas/SearchExpression"}
    return {
        "description": EXPRESSION_DESCRIPTION,
        "oneOf": [
            {
                "type": "object",
                "required": ["and"],
                "properties": {"and": {"type": "array", "minItems": 1, "items": node}},
                "additionalProperties": False,
            },
            {
                "type": "object",
                "required": ["or"],
                "properties": {"or": {"type": "array", "minItems": 1, "items": node}},
                "additionalProperties": False,
            },
            {
                "type": "object",
                "required": ["not"],
                "properties": {"not": node},
                "additionalProperties": False,
            },
            {
                "type": "object",
                "required": ["filter", "value"],
                "properties": {
                    "filter": {"type": "string", "example": "city"},
                    "value": {"type": "string", "example": "Helsinki"},
                },
                "additionalProperties": False,
            },
            {
                "type": "object",
                "required": ["text"],
                "properties": {"text": {"type": "string", "maxLength": 200}},
                "additionalProperties": False,
            },
        ],
        "x-max-depth": MAX_DEPTH,
        "x-max-leaves": MAX_LEAVES,
    }


@openapi_paths
def advanced_search_paths(spec, secured):
    spec.components.schema("SearchExpression", expression_schema())
    spec.components.schema(
        "AdvancedSearchRequest",
        {
            "type": "object",
            "required": ["expression"],
            "properties": {
                "expression": {"$ref": "#/components/schemas/SearchExpression"},
                "sort": {"type": "string", "enum": list(SORTS), "default": "name"},
                "direction": {"type": "string", "enum": list(DIRECTIONS), "default": "asc"},
                "limit": {"type": "integer", "minimum": 1, "maximum": 200, "default": 25},
                "cursor": {
                    "type": "string",
                    "description": "next_cursor of the previous page; refused with another sort or direction",
                },
            },
            "example": {
                "expression": {
                    "and": [
                        {
                            "or": [
                                {"filter": "city", "value": "Helsinki"},
                                {"filter": "city", "value": "Espoo"},
                            ]
                        },
                        {"not": {"filter": "deceased", "value": "only"}},
                    ]
                },
                "sort": "birth_date",
            },
        },
    )
    spec.components.schema(
        "AdvancedCountRequest",
        {
            "type": "object",
            "required": ["expression"],
            "properties": {"expression": {"$ref": "#/components/schemas/SearchExpression"}},
        },
    )
    spec.components.schema(
        "AdvancedCount",
        {
            "type": "object",
            "properties": {
                "count": {"type": "integer", "description": "Matches, counted up to 10,001"},
                "exact": {"type": "boolean", "description": "false: more than 10,000"},
            },
        },
    )
    spec.path(
        "/api/v1/contacts:search",
        operations={
            "post": {
                "summary": (
                    "Advanced search (C4): contacts matching an AND/OR/NOT expression of filters and free "
                    "text, sorted by name, created_at, updated_at, birth_date or city (nulls last), with "
                    "keyset paging as fast on page 1,000 as on page 1; the page is audited as one read"
                ),
                "security": secured,
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": "AdvancedSearchRequest"}},
                },
                "responses": {"200": json_content("ContactPage"), **error_responses(401, 403, 422, 503)},
            }
        },
    )
    spec.path(
        "/api/v1/contacts:search-count",
        operations={
            "post": {
                "summary": "How many contacts an advanced-search expression matches, up to 10,001 (C4)",
                "security": secured,
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": "AdvancedCountRequest"}},
                },
                "responses": {"200": json_content("AdvancedCount"), **error_responses(401, 403, 422, 503)},
            }
        },
    )
