"""/api/v1/groups: groups and subgroups, their members and bulk membership changes (C7), and their
OpenAPI paths. Creating, renaming, moving and archiving need groups.manage; members need contacts.edit."""

from gateway.base import json_body
from gateway.core import GatewayCore
from gateway.groups import schemas
from gateway.http import http, json_response
from gateway.openapi import api_operation
from gateway.roles import EDIT, MANAGE_GROUPS, VIEW
from piiri.errors import ValidationFailed
from services.contacts.groups.contract import MAX_CONTACTS_PER_ACTION

TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def flag(args, name, default):
    """A yes/no query argument, or a clear error naming it."""
    raw = (args.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in TRUE or raw in FALSE:
        return raw in TRUE
    raise ValidationFailed("request.boolean", {name: ["request.boolean"]}, {"name": name})


SEARCH_FIELDS = ("q", "filters", "expected_count")


def matching_body(request, extra):
    """The JSON body of an "all N results" change: the contact list's search (q, filters as
    GET /api/v1/contacts takes them as query arguments) and ``extra`` fields; any other key is refused
    by name, so a misspelt filter never widens the change to everyone."""
    data = json_body(request)
    unknown = sorted(set(data) - set(SEARCH_FIELDS) - set(extra))
    if unknown:
        raise ValidationFailed(
            "request.fields_invalid", {name: ["request.unknown_field"] for name in unknown}
        )
    return {name: data[name] for name in (*SEARCH_FIELDS, *extra) if name in data}


def matching_counts(result, done):
    """The service's MembershipChange -> the counts the API answers (MatchingChange)."""
    return {
        "group_id": result["group_id"],
        "matched": result["matched"],
        done: len(result[done]),
        "skipped": len(result["skipped"]),
    }


class GroupsApiRoutes(GatewayCore):
    @api_operation(
        "The group tree, depth-first, with member counts (direct, including subgroups)",
        permission="contacts.view",
        query=schemas.GroupsListQuery,
        responses={200: schemas.GroupTree},
        errors=(403, 422),
    )
    @http("GET", "/api/v1/groups")
    def api_groups_list(self, request):
        self.api_principal(request, VIEW)
        tree = self.call(
            "contacts",
            "list_groups",
            include_archived=flag(request.args, "include_archived", False),
            max_depth=request.args.get("max_depth") or None,
        )
        return json_response(tree)

    @api_operation(
        "Create a group (needs groups.manage); parent_id makes it a subgroup",
        permission="groups.manage",
        body=schemas.GroupInput,
        responses={201: (schemas.Group, "Created")},
        errors=(403, 404, 422),
    )
    @http("POST", "/api/v1/groups")
    def api_groups_create(self, request):
        self.api_principal(request, MANAGE_GROUPS)
        data = json_body(request)
        unknown = sorted(set(data) - {"name", "parent_id", "description"})
        if unknown:
            raise ValidationFailed("Unknown fields.", {name: ["Unknown field."] for name in unknown})
        group = self.call("contacts", "create_group", **data)
        return json_response(group, status=201, headers={"Location": f"/api/v1/groups/{group['id']}"})

    @api_operation(
        "One group with its ancestors, children and member counts",
        permission="contacts.view",
        responses={200: schemas.Group},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/groups/<group_id>")
    def api_groups_get(self, request, group_id):
        self.api_principal(request, VIEW)
        return json_response(self.call("contacts", "get_group", group_id))

    @api_operation(
        (
            "Rename or describe a group; `parent_id` moves it with its subtree (a move under itself or a "
            "subgroup is refused with 422); `archived` archives or restores it with its subtree (needs "
            "groups.manage)"
        ),
        permission="groups.manage",
        body=schemas.GroupInput,
        responses={200: schemas.Group},
        errors=(403, 404, 422),
    )
    @http("PATCH", "/api/v1/groups/<group_id>")
    def api_groups_update(self, request, group_id):
        self.api_principal(request, MANAGE_GROUPS)
        return json_response(self.call("contacts", "update_group", group_id, json_body(request)))

    @api_operation(
        "Active members in name order or by `sort` (audited as one read per page)",
        permission="contacts.view",
        query=schemas.GroupsMembersQuery,
        responses={200: schemas.MemberPage},
        errors=(403, 404, 422),
    )
    @http("GET", "/api/v1/groups/<group_id>/members")
    def api_groups_members(self, request, group_id):
        self.api_principal(request, VIEW)
        args = request.args
        page = self.call(
            "contacts",
            "members",
            group_id,
            include_subgroups=flag(args, "include_subgroups", True),
            active_on=args.get("active_on") or None,
            limit=args.get("limit"),
            cursor=args.get("cursor"),
            sort=args.get("sort") or None,
            direction=args.get("direction") or None,
        )
        return json_response(page)

    @api_operation(
        (
            "Add up to 10,000 contacts (needs contacts.edit); current members are skipped; any unknown "
            "id is a 404 listing them and nothing is added"
        ),
        permission="contacts.edit",
        body=schemas.MembersInput,
        responses={200: schemas.MembershipChange},
        errors=(403, 404, 422),
    )
    @http("POST", "/api/v1/groups/<group_id>/members")
    def api_groups_add_members(self, request, group_id):
        self.api_principal(request, EDIT)
        data = json_body(request)
        result = self.call(
            "contacts",
            "add_members",
            group_id,
            data.get("contact_ids"),
            role=data.get("role"),
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
        )
        return json_response(result)

    @api_operation(
        "End the memberships of up to 10,000 contacts on ends_on (default today)",
        permission="contacts.edit",
        body=schemas.RemoveMembersInput,
        responses={200: schemas.MembershipChange},
        errors=(403, 404, 422),
    )
    @http("POST", "/api/v1/groups/<group_id>/members:remove")
    def api_groups_remove_members(self, request, group_id):
        self.api_principal(request, EDIT)
        data = json_body(request)
        result = self.call(
            "contacts", "end_memberships", group_id, data.get("contact_ids"), ends_on=data.get("ends_on")
        )
        return json_response(result)

    @api_operation(
        (
            'Add every contact a search finds to the group: the contact list\'s "all N results" '
            "(needs contacts.edit). The body is the search of GET /api/v1/contacts (q, and its query "
            "arguments as filters), run again in the caller's data scope; at most "
            f"{MAX_CONTACTS_PER_ACTION:,} contacts, more is refused whole (422 groups.too_many), as is a "
            "search that finds "
            "nobody (422 groups.nothing_matched); with expected_count a search that now finds another "
            "number is a 409 (groups.selection_changed) and nothing is added. Answers with counts."
        ),
        permission="contacts.edit",
        body=schemas.SearchMembersInput,
        responses={200: schemas.MatchingChange},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/groups/<group_id>/members:add-matching")
    def api_groups_add_matching(self, request, group_id):
        self.api_principal(request, EDIT)
        data = matching_body(request, ("role", "starts_on", "ends_on"))
        result = self.call("contacts", "add_members_matching", group_id, **data)
        return json_response(matching_counts(result, "added"))

    @api_operation(
        (
            "End the direct memberships in the group of every contact a search finds (needs "
            "contacts.edit), on ends_on (default today): the limits and errors of members:add-matching; "
            "those who are not members are counted as skipped. Answers with counts."
        ),
        permission="contacts.edit",
        body=schemas.SearchRemoveInput,
        responses={200: schemas.MatchingChange},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/groups/<group_id>/members:end-matching")
    def api_groups_end_matching(self, request, group_id):
        self.api_principal(request, EDIT)
        data = matching_body(request, ("ends_on",))
        result = self.call("contacts", "end_memberships_matching", group_id, **data)
        return json_response(matching_counts(result, "ended"))
