"""/api/v1/saved-searches and /api/v1/contacts:count: saved searches, running them, and result
counts (C4), with their OpenAPI paths. Everything needs contacts.view."""

from gateway.base import json_body, search_filters
from gateway.http import http, json_response
from gateway.openapi import PAGING, error_responses, json_content, openapi_paths
from gateway.roles import VIEW
from services.contacts.advanced_search.contract import DIRECTIONS, SORTS
from services.contacts.saved_searches.contract import (
    ContactCount,
    SavedSearch,
    SavedSearchInput,
    SavedSearchList,
    SavedSearchPage,
)


class SavedSearchesApiRoutes:
    @http("GET", "/api/v1/saved-searches")
    def api_saved_searches_list(self, request):
        self.api_principal(request, VIEW)
        return json_response(self.call("contacts", "list_saved_searches"))

    @http("POST", "/api/v1/saved-searches")
    def api_saved_searches_create(self, request):
        self.api_principal(request, VIEW)
        search = self.call("contacts", "create_saved_search", json_body(request))
        return json_response(
            search, status=201, headers={"Location": f"/api/v1/saved-searches/{search['id']}"}
        )

    @http("GET", "/api/v1/saved-searches/<search_id>")
    def api_saved_searches_get(self, request, search_id):
        self.api_principal(request, VIEW)
        return json_response(self.call("contacts", "get_saved_search", search_id))

    @http("PATCH", "/api/v1/saved-searches/<search_id>")
    def api_saved_searches_update(self, request, search_id):
        self.api_principal(request, VIEW)
        return json_response(self.call("contacts", "update_saved_search", search_id, json_body(request)))

    @http("DELETE", "/api/v1/saved-searches/<search_id>")
    def api_saved_searches_delete(self, request, search_id):
        self.api_principal(request, VIEW)
        return json_response(self.call("contacts", "delete_saved_search", search_id))

    @http("GET", "/api/v1/saved-searches/<search_id>/contacts")
    def api_saved_searches_run(self, request, search_id):
        self.api_principal(request, VIEW)
        args = request.args
        page = self.call(
            "contacts",
            "run_saved_search",
            search_id,
            limit=args.get("limit"),
            cursor=args.get("cursor"),
            sort=args.get("sort"),
            direction=args.get("direction"),
        )
        return json_response(page)

    @http("GET", "/api/v1/contacts:count")
    def api_saved_searches_count(self, request):
        self.api_principal(request, VIEW)
        args = request.args
        count = self.call("contacts", "count_contacts", q=args.get("q", ""), filters=search_filters(args))
        return json_response(count)


SEARCH_ID = {
    "name": "search_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "format": "uuid"},
}
FILTERS = {
    "name": "filters",
    "in": "query",
    "style": "form",
    "explode": True,
    "schema": {"type": "object", "additionalProperties": {"type": "string"}},
    "description": "Any structured filter of GET /api/v1/contacts as its own argument (deceased=exclude)",
}
RUN_SORT = [
    {
        "name": "sort",
        "in": "query",
        "schema": {"type": "string", "enum": list(SORTS)},
        "description": "Only for a saved expression: the sort (default name)",
    },
    {
        "name": "direction",
        "in": "query",
        "schema": {"type": "string", "enum": list(DIRECTIONS)},
        "description": "Only for a saved expression: asc (default) or desc",
    },
]
BODY = {"required": True, "content": {"application/json": {"schema": "SavedSearchInput"}}}


@openapi_paths
def saved_searches_paths(spec, secured):
    for name, schema in (
        ("SavedSearch", SavedSearch),
        ("SavedSearchInput", SavedSearchInput),
        ("SavedSearchList", SavedSearchList),
        ("SavedSearchPage", SavedSearchPage),
        ("ContactCount", ContactCount),
    ):
        spec.components.schema(name, schema=schema)
    spec.path(
        "/api/v1/saved-searches",
        operations={
            "get": {
                "summary": "Your own saved searches and everyone's shared ones, by name (C4)",
                "security": secured,
                "responses": {"200": json_content("SavedSearchList"), **error_responses(401, 403, 503)},
            },
            "post": {
                "summary": (
                    "Save a search: name (unique per owner, ignoring case: 409), query, filters "
                    "(unknown or invalid filters: 422 naming them under `filters`), or instead an "
                    "advanced `expression` (checked as POST /api/v1/contacts:search checks it: 422 naming "
                    "the node, e.g. `expression.and[1].filter`; nothing is stored), shared"
                ),
                "security": secured,
                "requestBody": BODY,
                "responses": {
                    "201": json_content("SavedSearch", "Created"),
                    **error_responses(401, 403, 409, 422, 503),
                },
            },
        },
    )
    spec.path(
        "/api/v1/saved-searches/{search_id}",
        operations={
            "get": {
                "summary": "One saved search (someone else's private search is a 404)",
                "security": secured,
                "parameters": [SEARCH_ID],
                "responses": {"200": json_content("SavedSearch"), **error_responses(401, 403, 404, 503)},
            },
            "patch": {
                "summary": (
                    "Rename, share, unshare, change query, filters or expression (owner or users.manage)"
                ),
                "security": secured,
                "parameters": [SEARCH_ID],
                "requestBody": BODY,
                "responses": {
                    "200": json_content("SavedSearch"),
                    **error_responses(401, 403, 404, 409, 422, 503),
                },
            },
            "delete": {
                "summary": "Delete a saved search (only its owner or users.manage)",
                "security": secured,
                "parameters": [SEARCH_ID],
                "responses": {"200": {"description": "Deleted"}, **error_responses(401, 403, 404, 503)},
            },
        },
    )
    spec.path(
        "/api/v1/saved-searches/{search_id}/contacts",
        operations={
            "get": {
                "summary": (
                    "One page of the saved search's contacts, as GET /api/v1/contacts gives it (an "
                    "expression: as POST /api/v1/contacts:search, with sort and direction); audited read"
                ),
                "security": secured,
                "parameters": [SEARCH_ID, *PAGING, *RUN_SORT],
                "responses": {
                    "200": json_content("SavedSearchPage"),
                    **error_responses(401, 403, 404, 422, 503),
                },
            }
        },
    )
    spec.path(
        "/api/v1/contacts:count",
        operations={
            "get": {
                "summary": (
                    "How many contacts GET /api/v1/contacts finds with these q and filters: exact up to "
                    "10,000, above that count 10001 with exact false (not personal data: not audited)"
                ),
                "security": secured,
                "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}, FILTERS],
                "responses": {"200": json_content("ContactCount"), **error_responses(401, 403, 422, 503)},
            }
        },
    )
