"""/api/v1/groups: groups and subgroups, their members and bulk membership changes (C7), and their
OpenAPI paths. Creating, renaming, moving and archiving need groups.manage; members need contacts.edit."""

from gateway.base import json_body
from gateway.http import http, json_response
from gateway.openapi import PAGING, error_responses, json_content, openapi_paths
from gateway.roles import EDIT, MANAGE_GROUPS, VIEW
from piiri.errors import ValidationFailed
from services.contacts.groups.contract import (
    Group,
    GroupInput,
    GroupTree,
    MemberPage,
    MembershipChange,
    MembersInput,
    RemoveMembersInput,
)

TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def flag(args, name, default):
    """A yes/no query argument, or a clear error naming it."""
    raw = (args.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in TRUE or raw in FALSE:
        return raw in TRUE
    raise ValidationFailed(f"{name} must be true or false.", {name: ["Not true or false."]})


class GroupsApiRoutes:
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

    @http("POST", "/api/v1/groups")
    def api_groups_create(self, request):
        self.api_principal(request, MANAGE_GROUPS)
        data = json_body(request)
        unknown = sorted(set(data) - {"name", "parent_id", "description"})
        if unknown:
            raise ValidationFailed("Unknown fields.", {name: ["Unknown field."] for name in unknown})
        group = self.call("contacts", "create_group", **data)
        return json_response(group, status=201, headers={"Location": f"/api/v1/groups/{group['id']}"})

    @http("GET", "/api/v1/groups/<group_id>")
    def api_groups_get(self, request, group_id):
        self.api_principal(request, VIEW)
        return json_response(self.call("contacts", "get_group", group_id))

    @http("PATCH", "/api/v1/groups/<group_id>")
    def api_groups_update(self, request, group_id):
        self.api_principal(request, MANAGE_GROUPS)
        return json_response(self.call("contacts", "update_group", group_id, json_body(request)))

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
        )
        return json_response(page)

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

    @http("POST", "/api/v1/groups/<group_id>/members:remove")
    def api_groups_remove_members(self, request, group_id):
        self.api_principal(request, EDIT)
        data = json_body(request)
        result = self.call(
            "contacts", "end_memberships", group_id, data.get("contact_ids"), ends_on=data.get("ends_on")
        )
        return json_response(result)


GROUP_ID = {
    "name": "group_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "format": "uuid"},
}
ALL = (401, 403, 404, 422, 503)


def _body(schema):
    return {"required": True, "content": {"application/json": {"schema": schema}}}


@openapi_paths
def groups_paths(spec, secured):
    for name, schema in (
        ("Group", Group),
        ("GroupInput", GroupInput),
        ("GroupTree", GroupTree),
        ("MemberPage", MemberPage),
        ("MembersInput", MembersInput),
        ("RemoveMembersInput", RemoveMembersInput),
        ("MembershipChange", MembershipChange),
    ):
        spec.components.schema(name, schema=schema)
    archived = {"name": "include_archived", "in": "query", "schema": {"type": "boolean", "default": False}}
    spec.path(
        "/api/v1/groups",
        operations={
            "get": {
                "summary": "The group tree, depth-first, with member counts (direct, including subgroups)",
                "security": secured,
                "parameters": [
                    archived,
                    {
                        "name": "max_depth",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 0, "maximum": 100},
                        "description": (
                            "Only the top levels (0: top-level groups); a group at the limit tells "
                            "how many subgroups it has in more_subgroups"
                        ),
                    },
                ],
                "responses": {"200": json_content("GroupTree"), **error_responses(401, 403, 422, 503)},
            },
            "post": {
                "summary": "Create a group (needs groups.manage); parent_id makes it a subgroup",
                "security": secured,
                "requestBody": _body("GroupInput"),
                "responses": {"201": json_content("Group", "Created"), **error_responses(*ALL)},
            },
        },
    )
    spec.path(
        "/api/v1/groups/{group_id}",
        operations={
            "get": {
                "summary": "One group with its ancestors, children and member counts",
                "security": secured,
                "parameters": [GROUP_ID],
                "responses": {"200": json_content("Group"), **error_responses(401, 403, 404, 503)},
            },
            "patch": {
                "summary": (
                    "Rename or describe a group; `parent_id` moves it with its subtree (a move under "
                    "itself or a subgroup is refused with 422); `archived` archives or restores it with "
                    "its subtree "
                    "(needs groups.manage)"
                ),
                "security": secured,
                "parameters": [GROUP_ID],
                "requestBody": _body("GroupInput"),
                "responses": {"200": json_content("Group"), **error_responses(*ALL)},
            },
        },
    )
    spec.path(
        "/api/v1/groups/{group_id}/members",
        operations={
            "get": {
                "summary": "Active members in name order (audited as one read per page)",
                "security": secured,
                "parameters": [
                    GROUP_ID,
                    {
                        "name": "include_subgroups",
                        "in": "query",
                        "schema": {"type": "boolean", "default": True},
                    },
                    {
                        "name": "active_on",
                        "in": "query",
                        "schema": {"type": "string", "format": "date"},
                        "description": "Members on this day (default today).",
                    },
                    *PAGING,
                ],
                "responses": {"200": json_content("MemberPage"), **error_responses(*ALL)},
            },
            "post": {
                "summary": (
                    "Add up to 10,000 contacts (needs contacts.edit); current members are skipped; "
                    "any unknown id is a 404 listing them and nothing is added"
                ),
                "security": secured,
                "parameters": [GROUP_ID],
                "requestBody": _body("MembersInput"),
                "responses": {"200": json_content("MembershipChange"), **error_responses(*ALL)},
            },
        },
    )
    spec.path(
        "/api/v1/groups/{group_id}/members:remove",
        operations={
            "post": {
                "summary": "End the memberships of up to 10,000 contacts on ends_on (default today)",
                "security": secured,
                "parameters": [GROUP_ID],
                "requestBody": _body("RemoveMembersInput"),
                "responses": {"200": json_content("MembershipChange"), **error_responses(*ALL)},
            }
        },
    )
    _document_contact_filters(spec)


def _document_contact_filters(spec):
    """Add the group filters to GET /api/v1/contacts (registered by the lead's document)."""
    operation = spec._paths.get("/api/v1/contacts", {}).get("get")
    if operation is None:
        return
    parameters = operation.setdefault("parameters", [])
    known = {parameter.get("name") for parameter in parameters if isinstance(parameter, dict)}
    for name, description in (
        ("group_id", "Only active members of this group or any of its subgroups (C7)."),
        ("direct_group_id", "Only active direct members of this group (C7)."),
    ):
        if name not in known:
            parameters.append(
                {
                    "name": name,
                    "in": "query",
                    "schema": {"type": "string", "format": "uuid"},
                    "description": description,
                }
            )
