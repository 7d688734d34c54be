"""/api/v1/contacts:search and /api/v1/contacts:search-count: advanced search with AND/OR/NOT
expressions, sorting and keyset paging (C4). Both need contacts.view."""

from gateway.base import json_body
from gateway.core import GatewayCore
from gateway.http import http, json_response
from gateway.openapi import api_operation
from gateway.roles import VIEW
from gateway.saved_searches import advanced_search_schemas as schemas


class AdvancedSearchApiRoutes(GatewayCore):
    @api_operation(
        (
            "Advanced search (C4): contacts matching an AND/OR/NOT expression of filters and free text, "
            "sorted by name, created_at, updated_at, birth_date or city (nulls last), with keyset paging "
            "as fast on page 1,000 as on page 1; the page is audited as one read"
        ),
        permission="contacts.view",
        body=schemas.AdvancedSearchRequest,
        responses={200: schemas.ContactPage},
        errors=(403, 422),
    )
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

    @api_operation(
        "How many contacts an advanced-search expression matches, up to 10,001 (C4)",
        permission="contacts.view",
        body=schemas.AdvancedCountRequest,
        responses={200: schemas.AdvancedCount},
        errors=(403, 422),
    )
    @http("POST", "/api/v1/contacts:search-count")
    def api_advanced_search_count(self, request):
        self.api_principal(request, VIEW)
        body = json_body(request)
        return json_response(self.call("contacts", "count_contacts_advanced", body.get("expression")))
