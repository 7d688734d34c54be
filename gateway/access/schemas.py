"""The OpenAPI schemas of the access API routes (issue 11 item 4): the shapes their
@api_operation declarations name as `schemas.<Name>`; a name imported "as" itself is re-exported for them."""

from marshmallow import Schema, fields

from gateway.openapi import AnyObject as AnyObject
from gateway.roles import PERMISSION_CODES

PERMISSION = fields.String(metadata={"enum": list(PERMISSION_CODES)})


class UserGroupRef(Schema):
    id = fields.String()
    name = fields.String()


class UserRef(Schema):
    id = fields.String()
    username = fields.String()


class ApiToken(Schema):
    id = fields.String(dump_only=True)
    name = fields.String()
    permissions = fields.List(PERMISSION)
    contact_group_ids = fields.List(fields.String(), metadata={"description": "empty: every contact"})
    expires_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    created_by = fields.String(dump_only=True, allow_none=True, metadata={"description": "the user's id"})
    last_used_at = fields.DateTime(dump_only=True, allow_none=True)
    revoked_at = fields.DateTime(dump_only=True, allow_none=True)
    status = fields.String(dump_only=True, metadata={"enum": ["active", "revoked", "expired"]})
    token = fields.String(dump_only=True, metadata={"description": "the secret: in the create answer only"})
    token_type = fields.String(dump_only=True, metadata={"description": "Bearer: in the create answer only"})


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
    created_at = fields.DateTime(dump_only=True, allow_none=True)


class User(Schema):
    id = fields.String(dump_only=True)
    username = fields.String()
    password = fields.String(load_only=True, metadata={"description": "on create only"})
    display_name = fields.String()
    role = fields.String()
    language = fields.String(metadata={"enum": ["fi", "sv", "en"]})
    active = fields.Boolean(metadata={"description": "false deactivates (users are never deleted)"})
    user_groups = fields.List(fields.Nested(UserGroupRef), dump_only=True)
    roles = fields.List(
        fields.String(), dump_only=True, metadata={"description": "own role and user groups'"}
    )
    permissions = fields.List(PERMISSION, dump_only=True)
    scoped = fields.Boolean(dump_only=True)
    scope_group_ids = fields.List(fields.String(), dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    locked_until = fields.DateTime(
        dump_only=True, allow_none=True, metadata={"description": "S1: locked after failed logins until then"}
    )


class UserGroup(Schema):
    id = fields.String(dump_only=True)
    name = fields.String()
    description = fields.String(allow_none=True)
    role = fields.String(allow_none=True, metadata={"description": "a role granted to the members"})
    member_ids = fields.List(fields.String())
    members = fields.List(fields.Nested(UserRef), dump_only=True)
    contact_group_ids = fields.List(
        fields.String(),
        metadata={"description": "limits the members to these contact groups' contacts (with subgroups)"},
    )
    limited = fields.Boolean(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class RolesListResponse(Schema):
    items = fields.List(fields.Nested(Role))


class TokensListResponse(Schema):
    items = fields.List(fields.Nested(ApiToken))


class UserGroupsListResponse(Schema):
    items = fields.List(fields.Nested(UserGroup))


class UsersListResponse(Schema):
    items = fields.List(fields.Nested(User))
