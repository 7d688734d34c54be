"""OpenAPI paths and schemas of access control (C6, S1): /api/v1/me, permissions, roles, users, user groups,
API tokens for other systems."""

from marshmallow import Schema, fields

from gateway.openapi import error_responses, json_content, openapi_paths
from gateway.roles import PERMISSION_CODES

PERMISSION = fields.String(metadata={"enum": list(PERMISSION_CODES)})


class Me(Schema):
    id = fields.String()
    username = fields.String()
    kind = fields.String(metadata={"description": "user, or token for an API token"})
    roles = fields.List(fields.String())
    permissions = fields.List(PERMISSION)
    scoped = fields.Boolean(metadata={"description": "true: sees only the contacts of scope_group_ids"})
    scope_group_ids = fields.List(fields.String())


class Role(Schema):
    code = fields.String(metadata={"pattern": "^[a-z][a-z0-9_]{1,39}$"})
    label_fi = fields.String()
    label_en = fields.String()
    permissions = fields.List(PERMISSION)
    builtin = fields.Boolean(dump_only=True, metadata={"description": "built-in: fixed permissions, kept"})
    user_count = fields.Integer(dump_only=True)
    group_count = fields.Integer(dump_only=True)


class UserGroupRef(Schema):
    id = fields.String()
    name = fields.String()


class User(Schema):
    id = fields.String(dump_only=True)
    username = fields.String()
    password = fields.String(load_only=True, metadata={"description": "on create only"})
    display_name = fields.String()
    role = fields.String()
    language = fields.String(metadata={"enum": ["fi", "en"]})
    active = fields.Boolean(metadata={"description": "false deactivates (users are never deleted)"})
    user_groups = fields.List(fields.Nested(UserGroupRef), dump_only=True)
    permissions = fields.List(PERMISSION, dump_only=True)
    scoped = fields.Boolean(dump_only=True)
    scope_group_ids = fields.List(fields.String(), dump_only=True)


class UserGroup(Schema):
    id = fields.String(dump_only=True)
    name = fields.String()
    description = fields.String(allow_none=True)
    role = fields.String(allow_none=True, metadata={"description": "a role granted to the members"})
    member_ids = fields.List(fields.String())
    contact_group_ids = fields.List(
        fields.String(),
        metadata={"description": "limits the members to these contact groups' contacts (with subgroups)"},
    )
    limited = fields.Boolean(dump_only=True)


class ApiToken(Schema):
    id = fields.String(dump_only=True)
    name = fields.String()
    permissions = fields.List(PERMISSION)
    contact_group_ids = fields.List(fields.String(), metadata={"description": "empty: every contact"})
    expires_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    last_used_at = fields.DateTime(dump_only=True, allow_none=True)
    revoked_at = fields.DateTime(dump_only=True, allow_none=True)
    status = fields.String(dump_only=True, metadata={"enum": ["active", "revoked", "expired"]})
    token = fields.String(dump_only=True, metadata={"description": "the secret: in the create answer only"})


OBJECT = {"type": "object"}


def _body(schema):
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _items(ref):
    return {
        "type": "object",
        "properties": {"items": {"type": "array", "items": {"$ref": f"#/components/schemas/{ref}"}}},
    }


def _param(name):
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


RESOURCES = (
    (
        "/api/v1/roles",
        "code",
        "Role",
        "roles (built-in ones keep their permissions; a role in use cannot be removed)",
    ),
    (
        "/api/v1/users",
        "user_id",
        "User",
        "users (deactivate with active=false; no admin can remove their own users.manage)",
    ),
    ("/api/v1/user-groups", "group_id", "UserGroup", "user groups with members, a granted role and a scope"),
    ("/api/v1/api-tokens", "token_id", "ApiToken", "API tokens for other systems (secret shown once)"),
)
ADMIN = "Needs users.manage; changes are audited."


def _operation(op, summary, responses, key=None, body=None):
    operation = {**op, "summary": f"C6: {summary}. {ADMIN}", "responses": responses}
    if key:
        operation["parameters"] = [_param(key)]
    if body:
        operation["requestBody"] = _body(body)
    return operation


@openapi_paths
def access_paths(spec, secured):
    for name, schema in (
        ("Me", Me),
        ("Role", Role),
        ("User", User),
        ("UserGroup", UserGroup),
        ("ApiToken", ApiToken),
    ):
        spec.components.schema(name, schema=schema)
    read, write = error_responses(401, 403, 404, 503), error_responses(401, 403, 404, 409, 422, 503)
    op = {"security": secured}
    me = {**op, "summary": "C6: who is calling: roles, permissions, data scope"}
    spec.path("/api/v1/me", operations={"get": {**me, "responses": {"200": json_content("Me"), **read}}})
    catalogue = _operation(op, "the permission catalogue with labels", {"200": json_content(OBJECT), **read})
    spec.path("/api/v1/permissions", operations={"get": catalogue})
    for collection, key, ref, what in RESOURCES:
        spec.path(
            collection,
            operations={
                "get": _operation(op, f"list {what}", {"200": json_content(_items(ref)), **read}),
                "post": _operation(
                    op, f"create {what}", {"201": json_content(ref, "Created"), **write}, body=ref
                ),
            },
        )
        operations = {"get": _operation(op, "one of them", {"200": json_content(ref), **read}, key)}
        if ref != "ApiToken":
            operations["patch"] = _operation(
                op, "change some fields", {"200": json_content(ref), **write}, key, body=ref
            )
        if ref == "ApiToken":
            operations["delete"] = _operation(
                op, "revoke the token: requests with it get 401", {"200": json_content(ref), **write}, key
            )
        elif ref != "User":
            operations["delete"] = _operation(op, "remove", {"200": json_content(OBJECT), **write}, key)
        spec.path(f"{collection}/{{{key}}}", operations=operations)
