"""/api/v1/saved-searches and /api/v1/contacts:count: saved searches, running them, and result
counts (C4), with their OpenAPI paths. Everything needs contacts.view."""

from gateway.base import json_body, search_filters
from gateway.core import GatewayCore
from gateway.http import http, json_response
from gateway.openapi import api_operation
from gateway.roles import VIEW
from gateway.saved_searches import schemas


class SavedSearchesApiRoutes(GatewayCore):
    @api_operation(
        "Your own saved searches and everyone's shared ones, by name (C4)",
        permission="contacts.view",
        responses={200: schemas.SavedSearchList},
        errors=(403,),
    )
    @http("GET", "/api/v1/saved-searches")
    def api_saved_searches_list(self, request):
        self.api_principal(request, VIEW)
        return json_response(self.call("contacts", "list_saved_searches"))

    @api_operation(
        (
            "Save a search: name (unique per owner, ignoring case: 409), query, filters (unknown or "
            "invalid filters: 422 naming them under `filters`), or instead an advanced `expression` "
            "(checked as POST /api/v1/contacts:search checks it: 422 naming the node, e.g. "
            "`expression.and[1].filter`; nothing is stored), shared"
        ),
        permission="contacts.view",
        body=schemas.SavedSearchInput,
        responses={201: (schemas.SavedSearch, "Created")},
        errors=(403, 409, 422),
    )
    @http("POST", "/api/v1/saved-searches")
    def api_saved_searches_create(self, request):
        self.api_principal(request, VIEW)
        search = self.call("contacts", "create_saved_search", json_body(request))
        return json_response(
            search, status=201, headers={"Location": f"/api/v1/saved-searches/{search['id']}"}
        )

    @api_operation(
        "One saved search (someone else's private search is a 404)",
        permission="contacts.view",
        responses={200: schemas.SavedSearch},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/saved-searches/<search_id>")
    def api_saved_searches_get(self, request, search_id):
        self.api_principal(request, VIEW)
        return json_response(self.call("contacts", "get_saved_search", search_id))

    @api_operation(
        "Rename, share, unshare, change query, filters or expression (owner or users.manage)",
        permission="contacts.view",
        body=schemas.SavedSearchInput,
        responses={200: schemas.SavedSearch},
        errors=(403, 404, 409, 422),
    )
    @http("PATCH", "/api/v1/saved-searches/<search_id>")
    def api_saved_searches_update(self, request, search_id):
        self.api_principal(request, VIEW)
        return json_response(self.call("contacts", "update_saved_search", search_id, json_body(request)))

    @api_operation(
        "Delete a saved search (only its owner or users.manage)",
        permission="contacts.view",
        responses={200: "Deleted"},
        errors=(403, 404),
    )
    @http("DELETE", "/api/v1/saved-searches/<search_id>")
    def api_saved_searches_delete(self, request, search_id):
        self.api_principal(request, VIEW)
        return json_response(self.call("contacts", "delete_saved_search", search_id))

    @api_operation(
        (
            "One page of the saved search's contacts, as GET /api/v1/contacts gives it (an expression: "
            "as POST /api/v1/contacts:search, with sort and direction); audited read"
        ),
        permission="contacts.view",
        query=schemas.SavedSearchesRunQuery,
        responses={200: schemas.SavedSearchPage},
        errors=(403, 404, 422),
    )
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

    @api_operation(
        (
            "How many contacts GET /api/v1/contacts finds with these q and filters: exact up to 10,000, "
            "above that count 10001 with exact false (not personal data: not audited)"
        ),
        permission="contacts.view",
        query=schemas.SavedSearchesCountQuery,
        responses={200: schemas.ContactCount},
        errors=(403, 422),
    )
    @http("GET", "/api/v1/contacts:count")
    def api_saved_searches_count(self, request):
        self.api_principal(request, VIEW)
        args = request.args
        count = self.call("contacts", "count_contacts", q=args.get("q", ""), filters=search_filters(args))
        return json_response(count)
