"""/api/v1 access control (C6, S1): permissions, roles, users, user groups with data scopes, API tokens
for other systems. Everything but /api/v1/me needs users.manage; every change is audited (gateway
audit trail) before it is committed, and no admin can take away their own users.manage.
"""

from gateway import access_admin, admin_writes, api_tokens, grants
from gateway.access import schemas
from gateway.base import json_body
from gateway.core import GatewayCore
from gateway.http import http, json_response
from gateway.openapi import api_operation
from gateway.roles import MANAGE_USERS, PERMISSIONS
from piiri.errors import PermissionDenied, ValidationFailed, coded


def user_view(user):
    view = {key: value for key, value in user.items() if key != "access"}
    access = user.get("access")
    if access is not None:
        view.update(
            permissions=list(access.permissions),
            roles=list(access.roles),
            scoped=access.scoped,
            scope_group_ids=list(access.scope_group_ids),
        )
    return view


def token_view(token):
    return {**token, "status": api_tokens.status(token)}


# What a staff account read shows (issue 12 item 7i): named in its audit record.
USER_FIELDS = ("username", "display_name", "role", "language", "active", "groups", "login_security")


class AccessAdmin(GatewayCore):
    """Shared by the API and web routes: audited, guarded writes and the contact groups to pick from."""

    def admin_write(self, principal, action, subject_type, change):
        """An audited, guarded write of access data in one transaction (gateway/admin_writes.py)."""
        return admin_writes.audited_write(
            self.db.session, self.audit_trail, principal, action, subject_type, change
        )

    def contact_group_choices(self):
        """[{id, name, label}] of every contact group (label: its full name path), from the contacts
        service in one RPC."""
        items = self.call("contacts", "list_groups", include_archived=True)["items"]
        return [
            {"id": item["id"], "name": item["name"], "label": item.get("path_names") or item["name"]}
            for item in items
        ]

    def known_contact_group_ids(self):
        return {item["id"] for item in self.contact_group_choices()}

    # --- the operations, as the API and the web UI call them ----------------------------------------

    def role_create(self, principal, data):
        def change(session):
            role = access_admin.create_role(session, data)
            grants.check_permissions_held(principal.access, role["permissions"])
            return (
                role,
                [role["code"]],
                ["label_fi", "label_en", "permissions"],
                {"permissions": role["permissions"]},
            )

        return self.admin_write(principal, "role.created", "role", change)

    def role_update(self, principal, code, data):
        def change(session):
            before = access_admin.get_role(session, code)["permissions"]
            role, changed = access_admin.update_role(session, code, data)
            grants.check_permissions_held(principal.access, set(role["permissions"]) - set(before))
            return role, [role["code"]], changed, {"permissions": role["permissions"]}

        return self.admin_write(principal, "role.updated", "role", change)

    def role_delete(self, principal, code):
        def change(session):
            role = access_admin.delete_role(session, code)
            return {"code": role["code"], "deleted": True}, [role["code"]], [], {}

        return self.admin_write(principal, "role.deleted", "role", change)

    def user_create(self, principal, data):
        def change(session):
            user = access_admin.create_user(session, data)
            if principal.access.scoped and principal.kind != "token":
                # A scoped admin's new user joins the admin's limited user groups: they see no more.
                access_admin.join_limited_groups_of(session, principal.user["id"], user["id"])
                user = access_admin.get_user(session, user["id"])
            details = {"username": user["username"], "role": user["role"]}
            return user, [user["id"]], ["username", "display_name", "role", "language"], details

        return self.admin_write(principal, "user.created", "user", change)

    def user_update(self, principal, user_id, data):
        def change(session):
            target = access_admin.get_user(session, user_id)
            grants.check_within(principal.access, grants.grants_of_users(session)[target["id"]])
            user, changed = access_admin.update_user(session, user_id, data)
            details = {"username": user["username"], **{name: user[name] for name in changed}}
            return user, [user["id"]], changed, details

        return self.admin_write(principal, "user.updated", "user", change)

    def user_group_create(self, principal, data):
        known = self.known_contact_group_ids()

        def change(session):
            group = access_admin.create_user_group(session, data, known)
            _check_group_grants(session, principal, group, data)
            return group, [group["id"]], sorted(data), _group_details(group)

        return self.admin_write(principal, "user_group.created", "user_group", change)

    def user_group_update(self, principal, group_id, data):
        known = (
            self.known_contact_group_ids()
            if isinstance(data, dict) and data.get("contact_group_ids")
            else None
        )

        def change(session):
            group, changed = access_admin.update_user_group(session, group_id, data, known)
            _check_group_grants(session, principal, group, data)
            return group, [group["id"]], changed, _group_details(group)

        return self.admin_write(principal, "user_group.updated", "user_group", change)

    def user_group_delete(self, principal, group_id):
        def change(session):
            group = access_admin.delete_user_group(session, group_id)
            return {"id": str(group["id"]), "deleted": True}, [group["id"]], [], {"name": group["name"]}

        return self.admin_write(principal, "user_group.deleted", "user_group", change)

    def token_create(self, principal, data):
        """(secret, token): the secret is in this answer only."""
        _user_only(principal)
        values = api_tokens.check_input(data)
        grants.check_permissions_held(principal.access, values["permissions"])
        grants.check_scope_held(principal.access, values["contact_group_ids"])
        if values["contact_group_ids"]:
            known = self.known_contact_group_ids()
            missing = [str(gid) for gid in values["contact_group_ids"] if str(gid) not in known]
            if missing:
                raise ValidationFailed(
                    "admin.err.invalid",
                    {"contact_group_ids": [coded("admin.err.no_group", ids=", ".join(missing))]},
                )

        def change(session):
            secret, token = api_tokens.create(session, values, principal.user["id"])
            details = {
                "name": token["name"],
                "permissions": token["permissions"],
                "contact_group_ids": [str(gid) for gid in token["contact_group_ids"]],
            }
            return (secret, token), [token["id"]], ["name", "permissions", "contact_group_ids"], details

        return self.admin_write(principal, "api_token.created", "api_token", change)

    def token_revoke(self, principal, token_id):
        return admin_writes.revoke_api_token(self.db.session, self.audit_trail, principal, token_id)


def _group_details(group):
    return {
        "name": group["name"],
        "role": group["role"],
        "member_ids": group["member_ids"],
        "contact_group_ids": group["contact_group_ids"],
    }


def _check_group_grants(session, principal, group, data):
    """A user group may grant only a role whose permissions the actor holds, and a scoped actor's group is
    limited to contact groups inside the actor's scope (its members are judged by admin_write)."""
    if isinstance(data, dict) and "role" in data and group["role"]:
        grants.check_permissions_held(
            principal.access, access_admin.get_role(session, group["role"])["permissions"], field="role"
        )
    if principal.access.scoped:
        grants.check_scope_held(principal.access, group["contact_group_ids"])


def _user_only(principal):
    if principal.kind == "token":
        raise PermissionDenied(
            "API tokens are created by a user, not by another token.", {"permission": MANAGE_USERS}
        )


class AccessApiRoutes(AccessAdmin):
    @api_operation(
        "C6: who is calling: roles, permissions, data scope", responses={200: schemas.Me}, errors=(403, 404)
    )
    @http("GET", "/api/v1/me")
    def api_me(self, request):
        principal = self.api_principal(request)
        access = principal.access
        return json_response(
            {
                "id": str(principal.user["id"]),
                "username": principal.user["username"],
                "kind": principal.actor.kind,
                "roles": list(access.roles),
                "permissions": list(access.permissions),
                "scoped": access.scoped,
                "scope_group_ids": list(access.scope_group_ids),
            }
        )

    @api_operation(
        "C6: the permission catalogue with labels. Needs users.manage; changes are audited.",
        permission="users.manage",
        responses={200: schemas.AnyObject},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/permissions")
    def api_permissions(self, request):
        self.api_principal(request, MANAGE_USERS)
        return json_response(
            {"items": [{"code": code, "label_fi": fi, "label_en": en} for code, fi, en in PERMISSIONS]}
        )

    # --- roles --------------------------------------------------------------------------------------

    @api_operation(
        (
            "C6: list roles (built-in ones keep their permissions; a role in use cannot be removed). "
            "Needs users.manage; changes are audited."
        ),
        permission="users.manage",
        responses={200: schemas.RolesListResponse},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/roles")
    def api_roles_list(self, request):
        self.api_principal(request, MANAGE_USERS)
        return json_response({"items": access_admin.list_roles(self.db.session)})

    @api_operation(
        (
            "C6: create roles (built-in ones keep their permissions; a role in use cannot be removed). "
            "Needs users.manage; changes are audited."
        ),
        permission="users.manage",
        body=schemas.Role,
        responses={201: (schemas.Role, "Created")},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/roles")
    def api_roles_create(self, request):
        principal = self.api_principal(request, MANAGE_USERS)
        role = self.role_create(principal, json_body(request))
        return json_response(role, status=201, headers={"Location": f"/api/v1/roles/{role['code']}"})

    @api_operation(
        "C6: one of them. Needs users.manage; changes are audited.",
        permission="users.manage",
        responses={200: schemas.Role},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/roles/<code>")
    def api_roles_get(self, request, code):
        self.api_principal(request, MANAGE_USERS)
        return json_response(access_admin.get_role(self.db.session, code))

    @api_operation(
        "C6: change some fields. Needs users.manage; changes are audited.",
        permission="users.manage",
        body=schemas.Role,
        responses={200: schemas.Role},
        errors=(403, 404, 409, 422),
    )
    @http("PATCH", "/api/v1/roles/<code>")
    def api_roles_update(self, request, code):
        principal = self.api_principal(request, MANAGE_USERS)
        return json_response(self.role_update(principal, code, json_body(request)))

    @api_operation(
        "C6: remove. Needs users.manage; changes are audited.",
        permission="users.manage",
        responses={200: schemas.AnyObject},
        errors=(403, 404, 409, 422),
    )
    @http("DELETE", "/api/v1/roles/<code>")
    def api_roles_delete(self, request, code):
        principal = self.api_principal(request, MANAGE_USERS)
        return json_response(self.role_delete(principal, code))

    # --- users --------------------------------------------------------------------------------------

    @api_operation(
        (
            "C6: list users (deactivate with active=false; no admin can remove their own users.manage). "
            "Needs users.manage; changes are audited."
        ),
        permission="users.manage",
        responses={200: schemas.UsersListResponse},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/users")
    def api_users_list(self, request):
        principal = self.api_principal(request, MANAGE_USERS)
        items = access_admin.list_users(self.db.session)
        self.audit_staff_read(principal, "user.listed", "user", [item["id"] for item in items], USER_FIELDS)
        return json_response({"items": items})

    @api_operation(
        (
            "C6: create users (deactivate with active=false; no admin can remove their own "
            "users.manage). Needs users.manage; changes are audited."
        ),
        permission="users.manage",
        body=schemas.User,
        responses={201: (schemas.User, "Created")},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/users")
    def api_users_create(self, request):
        principal = self.api_principal(request, MANAGE_USERS)
        user = user_view(self.user_create(principal, json_body(request)))
        return json_response(user, status=201, headers={"Location": f"/api/v1/users/{user['id']}"})

    @api_operation(
        "C6: one of them. Needs users.manage; changes are audited.",
        permission="users.manage",
        responses={200: schemas.User},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/users/<user_id>")
    def api_users_get(self, request, user_id):
        principal = self.api_principal(request, MANAGE_USERS)
        user = user_view(access_admin.get_user(self.db.session, user_id))
        self.audit_staff_read(principal, "user.viewed", "user", [user["id"]], USER_FIELDS)
        return json_response(user)

    @api_operation(
        "C6: change some fields. Needs users.manage; changes are audited.",
        permission="users.manage",
        body=schemas.User,
        responses={200: schemas.User},
        errors=(403, 404, 409, 422),
    )
    @http("PATCH", "/api/v1/users/<user_id>")
    def api_users_update(self, request, user_id):
        principal = self.api_principal(request, MANAGE_USERS)
        return json_response(user_view(self.user_update(principal, user_id, json_body(request))))

    # --- user groups --------------------------------------------------------------------------------

    @api_operation(
        (
            "C6: list user groups with members, a granted role and a scope. Needs users.manage; changes "
            "are audited."
        ),
        permission="users.manage",
        responses={200: schemas.UserGroupsListResponse},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/user-groups")
    def api_user_groups_list(self, request):
        principal = self.api_principal(request, MANAGE_USERS)
        items = access_admin.list_user_groups(self.db.session)
        self.audit_staff_read(principal, "user_group.listed", "user_group", [item["id"] for item in items])
        return json_response({"items": items})

    @api_operation(
        (
            "C6: create user groups with members, a granted role and a scope. Needs users.manage; "
            "changes are audited."
        ),
        permission="users.manage",
        body=schemas.UserGroup,
        responses={201: (schemas.UserGroup, "Created")},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/user-groups")
    def api_user_groups_create(self, request):
        principal = self.api_principal(request, MANAGE_USERS)
        group = self.user_group_create(principal, json_body(request))
        return json_response(group, status=201, headers={"Location": f"/api/v1/user-groups/{group['id']}"})

    @api_operation(
        "C6: one of them. Needs users.manage; changes are audited.",
        permission="users.manage",
        responses={200: schemas.UserGroup},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/user-groups/<group_id>")
    def api_user_groups_get(self, request, group_id):
        principal = self.api_principal(request, MANAGE_USERS)
        group = access_admin.get_user_group(self.db.session, group_id)
        self.audit_staff_read(principal, "user_group.viewed", "user_group", [group["id"]])
        return json_response(group)

    @api_operation(
        "C6: change some fields. Needs users.manage; changes are audited.",
        permission="users.manage",
        body=schemas.UserGroup,
        responses={200: schemas.UserGroup},
        errors=(403, 404, 409, 422),
    )
    @http("PATCH", "/api/v1/user-groups/<group_id>")
    def api_user_groups_update(self, request, group_id):
        principal = self.api_principal(request, MANAGE_USERS)
        return json_response(self.user_group_update(principal, group_id, json_body(request)))

    @api_operation(
        "C6: remove. Needs users.manage; changes are audited.",
        permission="users.manage",
        responses={200: schemas.AnyObject},
        errors=(403, 404, 409, 422),
    )
    @http("DELETE", "/api/v1/user-groups/<group_id>")
    def api_user_groups_delete(self, request, group_id):
        principal = self.api_principal(request, MANAGE_USERS)
        return json_response(self.user_group_delete(principal, group_id))

    # --- API tokens ---------------------------------------------------------------------------------

    @api_operation(
        "C6: list API tokens for other systems (secret shown once). Needs users.manage; changes are audited.",
        permission="users.manage",
        responses={200: schemas.TokensListResponse},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/api-tokens")
    def api_tokens_list(self, request):
        principal = self.api_principal(request, MANAGE_USERS)
        items = [token_view(token) for token in api_tokens.listed(self.db.session)]
        self.audit_staff_read(principal, "api_token.listed", "api_token", [item["id"] for item in items])
        return json_response({"items": items})

    @api_operation(
        (
            "C6: create API tokens for other systems (secret shown once). Needs users.manage; changes "
            "are audited."
        ),
        permission="users.manage",
        body=schemas.ApiToken,
        responses={201: (schemas.ApiToken, "Created")},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/api-tokens")
    def api_tokens_create(self, request):
        principal = self.api_principal(request, MANAGE_USERS)
        secret, token = self.token_create(principal, json_body(request))
        return json_response(
            {**token_view(token), "token": secret, "token_type": "Bearer"},
            status=201,
            headers={"Location": f"/api/v1/api-tokens/{token['id']}"},
        )

    @api_operation(
        "C6: one of them. Needs users.manage; changes are audited.",
        permission="users.manage",
        responses={200: schemas.ApiToken},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/api-tokens/<token_id>")
    def api_tokens_get(self, request, token_id):
        principal = self.api_principal(request, MANAGE_USERS)
        token = token_view(api_tokens.get(self.db.session, token_id))
        self.audit_staff_read(principal, "api_token.viewed", "api_token", [token["id"]])
        return json_response(token)

    @api_operation(
        "C6: revoke the token: requests with it get 401. Needs users.manage; changes are audited.",
        permission="users.manage",
        responses={200: schemas.ApiToken},
        errors=(403, 404, 409, 422),
    )
    @http("DELETE", "/api/v1/api-tokens/<token_id>")
    def api_tokens_revoke(self, request, token_id):
        principal = self.api_principal(request, MANAGE_USERS)
        return json_response(token_view(self.token_revoke(principal, token_id)))
