"""/api/v1 routes of duplicates, comparison and merge (C11)."""

from gateway.base import int_arg, json_body
from gateway.core import GatewayCore
from gateway.http import http, json_response
from gateway.merge import schemas
from gateway.openapi import api_operation
from gateway.roles import DELETE, EDIT, VIEW
from piiri.errors import PermissionDenied, ValidationFailed


def id_list(text):
    """'a,b,c' -> ['a', 'b', 'c'] (blanks dropped)."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def body_object(request):
    data = json_body(request)
    if not isinstance(data, dict):
        raise ValidationFailed("request.json_object", {"_schema": ["request.json_object"]})
    return data


class MergeApiRoutes(GatewayCore):
    def merge_principal(self, request):
        """Merging deletes contacts and changes the survivor: it needs both permissions."""
        principal = self.api_principal(request, DELETE)
        if not principal.can(EDIT):
            raise PermissionDenied(
                f"'{principal.user['username']}' lacks the permission '{EDIT}'", {"permission": EDIT}
            )
        return principal

    @api_operation(
        "C11: contacts that may duplicate this one, best score (0..100) first",
        permission="contacts.view",
        responses={200: schemas.MergeDuplicatesOfResponse},
        errors=(403, 404, 422),
    )
    @http("GET", "/api/v1/contacts/<contact_id>/duplicates")
    def api_merge_duplicates_of(self, request, contact_id):
        self.api_principal(request, VIEW)
        return json_response(self.call("contacts", "duplicates_of", contact_id))

    @api_operation(
        "C11: duplicate pairs found by the scan, for review, best score first",
        permission="contacts.view",
        query=schemas.MergeCandidatesQuery,
        responses={200: schemas.MergeCandidatesResponse},
        errors=(403, 404, 422),
    )
    @http("GET", "/api/v1/duplicates")
    def api_merge_candidates(self, request):
        self.api_principal(request, VIEW)
        args = request.args
        return json_response(
            self.call(
                "contacts", "list_duplicate_candidates", limit=args.get("limit"), cursor=args.get("cursor")
            )
        )

    @api_operation(
        "C11: mark two contacts as not duplicates (contacts.edit)",
        permission="contacts.edit",
        body=schemas.DismissInput,
        responses={200: (schemas.AnyObject, "Dismissed")},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/duplicates/dismiss")
    def api_merge_dismiss(self, request):
        self.api_principal(request, EDIT)
        data = body_object(request)
        return json_response(self.call("contacts", "dismiss_duplicate", data.get("contact_ids")))

    @api_operation(
        "C11: scan contacts changed since the last scan (also every 5 min)",
        permission="contacts.edit",
        query=schemas.MergeScanQuery,
        responses={200: schemas.AnyObject},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/duplicates/scan")
    def api_merge_scan(self, request):
        self.api_principal(request, EDIT)
        batch_size = int_arg(request.args, "batch_size", 500)
        rescan_all = request.args.get("all") == "true"
        return json_response(self.call("contacts", "find_duplicates", batch_size, rescan_all))

    @api_operation(
        "C11: 2..5 contacts side by side (full records) and which fields differ",
        permission="contacts.view",
        query=schemas.MergeCompareQuery,
        responses={200: schemas.MergeCompareResponse},
        errors=(403, 404, 422),
    )
    @http("GET", "/api/v1/contacts:compare")
    def api_merge_compare(self, request):
        self.api_principal(request, VIEW)
        return json_response(self.call("contacts", "compare_contacts", id_list(request.args.get("ids"))))

    @api_operation(
        (
            "C11: merge contacts into the survivor (contacts.delete and contacts.edit): chosen {field or "
            "custom.<key>: contact id} picks each value; every link moves; merged ids resolve to the "
            "survivor; publishes contacts_merged"
        ),
        permission=("contacts.delete", "contacts.edit"),
        body=schemas.MergeInput,
        responses={200: (schemas.AnyObject, "Merged")},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/contacts:merge")
    def api_merge_merge(self, request):
        self.merge_principal(request)
        data = body_object(request)
        result = self.call(
            "contacts", "merge_contacts", data.get("survivor_id"), data.get("merged_ids"), data.get("chosen")
        )
        return json_response(result)
