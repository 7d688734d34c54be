"""Access control in the web UI (C6): /admin/users (Käyttäjät), /admin/roles (Roolit), /admin/user-groups
(Käyttäjäryhmät) and /admin/api-tokens; users.manage only. Writes go through AccessAdmin (audited,
guarded); a refused change shows the form again with what was wrong."""

from datetime import UTC, datetime

from gateway import (
    access_admin,
    api_tokens,
)
from gateway.access.api import USER_FIELDS, AccessAdmin, token_view
from gateway.http import http
from gateway.i18n import Translator
from gateway.roles import MANAGE_USERS, PERMISSIONS
from gateway.web_helpers import FieldMessage, language_of, require_csrf, see_other, web_page
from piiri.errors import Conflict, PermissionDenied, ValidationFailed

ADMIN = "/admin"


def problems_of(exc, t):
    """A refused change -> lines "field: message" in the user's language."""
    lines = []
    for name, messages in (exc.details or {}).items():
        label = t(f"admin.field.{name}") if t.has(f"admin.field.{name}") else name
        for message in messages if isinstance(messages, list) else [messages]:
            text = t.service_message(message)
            lines.append(FieldMessage(f"{label}: {text}", name, bare=text))
    return lines


def _checked(form, name):
    return [value for value in form.getlist(name) if value]


def user_form(form, creating):
    data = {
        "display_name": (form.get("display_name") or "").strip(),
        "role": form.get("role") or "",
        "language": form.get("language") or "fi",
    }
    if creating:
        data.update(username=(form.get("username") or "").strip(), password=form.get("password") or "")
    else:
        data["active"] = form.get("active") == "on"
    return data


def role_form(form, creating, builtin=False):
    data = {
        "label_fi": (form.get("label_fi") or "").strip(),
        "label_en": (form.get("label_en") or "").strip(),
    }
    if creating:
        data["code"] = (form.get("code") or "").strip()
    if not builtin:
        data["permissions"] = _checked(form, "permissions")
    return data


def user_group_form(form):
    return {
        "name": (form.get("name") or "").strip(),
        "description": (form.get("description") or "").strip(),
        "role": form.get("role") or None,
        "member_ids": _checked(form, "member_ids"),
        "contact_group_ids": _checked(form, "contact_group_ids"),
    }


def token_form(form):
    expires_on = (form.get("expires_on") or "").strip()
    return {
        "name": (form.get("name") or "").strip(),
        "permissions": _checked(form, "permissions"),
        "contact_group_ids": _checked(form, "contact_group_ids"),
        "expires_at": f"{expires_on}T23:59:59+00:00" if expires_on else None,
    }


class AccessWebRoutes(AccessAdmin):
    def admin_page(self, request, principal, template, status=200, **context):
        session = self.db.session
        t = Translator(language_of(request))
        error = context.pop("error", None)
        return self.web_render(
            request,
            principal,
            template,
            status=status,
            permissions=PERMISSIONS,
            roles=access_admin.list_roles(session),
            problems=problems_of(error, t) if error else [],
            error_message=t.service_message(error.message, error.params) if error else "",
            **context,
        )

    def _admin_attempt(self, change, done, on_error):
        """Run ``change()`` and answer ``done(its result)``; a refused change (422/409) answers
        ``on_error(the error)`` instead (a refused grant, 403, too): the form again, with what was wrong."""
        try:
            result = change()
        except (ValidationFailed, Conflict, PermissionDenied) as exc:
            return on_error(exc)
        return done(result)

    # --- users ------------------------------------------------------------------------------------

    def _users_page(self, request, principal, form=None, error=None):
        users = access_admin.list_users(self.db.session)
        self.audit_staff_read(principal, "user.listed", "user", [user["id"] for user in users], USER_FIELDS)
        return self.admin_page(
            request,
            principal,
            "admin/users.html",
            status=error.status if error else 200,
            users=users,
            form=form or {"role": "read_only", "language": "fi"},
            error=error,
        )

    @http("GET", ADMIN + "/users")
    @web_page
    def web_admin_users(self, request):
        principal = self.web_principal(request, MANAGE_USERS)
        return self._users_page(request, principal)

    @http("POST", ADMIN + "/users")
    @web_page
    def web_admin_users_create(self, request):
        principal = self.web_principal(request, MANAGE_USERS)
        require_csrf(request, principal)
        data = user_form(request.form, creating=True)
        return self._admin_attempt(
            lambda: self.user_create(principal, data),
            lambda user: see_other(f"{ADMIN}/users/{user['id']}"),
            lambda exc: self._users_page(request, principal, {**data, "password": ""}, exc),
        )

    def _user_page(self, request, principal, user_id, form=None, error=None):
        user = access_admin.get_user(self.db.session, user_id)
        self.audit_staff_read(principal, "user.viewed", "user", [user["id"]], USER_FIELDS)
        groups = {item["id"]: item for item in self.contact_group_choices()}
        scope_names = [groups[gid]["label"] for gid in user["access"].scope_group_ids if gid in groups]
        return self.admin_page(
            request,
            principal,
            "admin/user.html",
            status=error.status if error else 200,
            subject=user,
            scope_names=scope_names,
            form=form or user,
            error=error,
        )

    @http("GET", ADMIN + "/users/<user_id>")
    @web_page
    def web_admin_user(self, request, user_id):
        principal = self.web_principal(request, MANAGE_USERS)
        return self._user_page(request, principal, user_id)

    @http("POST", ADMIN + "/users/<user_id>")
    @web_page
    def web_admin_user_update(self, request, user_id):
        principal = self.web_principal(request, MANAGE_USERS)
        require_csrf(request, principal)
        data = user_form(request.form, creating=False)
        return self._admin_attempt(
            lambda: self.user_update(principal, user_id, data),
            lambda _: see_other(f"{ADMIN}/users/{user_id}"),
            lambda exc: self._user_page(request, principal, user_id, data, exc),
        )

    # --- roles ------------------------------------------------------------------------------------

    def _roles_page(self, request, principal, form=None, error=None):
        return self.admin_page(
            request,
            principal,
            "admin/roles.html",
            status=error.status if error else 200,
            form=form or {"permissions": []},
            error=error,
        )

    @http("GET", ADMIN + "/roles")
    @web_page
    def web_admin_roles(self, request):
        principal = self.web_principal(request, MANAGE_USERS)
        return self._roles_page(request, principal)

    @http("POST", ADMIN + "/roles")
    @web_page
    def web_admin_roles_create(self, request):
        principal = self.web_principal(request, MANAGE_USERS)
        require_csrf(request, principal)
        data = role_form(request.form, creating=True)
        return self._admin_attempt(
            lambda: self.role_create(principal, data),
            lambda _: see_other(f"{ADMIN}/roles"),
            lambda exc: self._roles_page(request, principal, data, exc),
        )

    def _role_page(self, request, principal, code, form=None, error=None):
        role = access_admin.get_role(self.db.session, code)
        return self.admin_page(
            request,
            principal,
            "admin/role.html",
            status=error.status if error else 200,
            role=role,
            form=form or role,
            error=error,
        )

    @http("GET", ADMIN + "/roles/<code>")
    @web_page
    def web_admin_role(self, request, code):
        principal = self.web_principal(request, MANAGE_USERS)
        return self._role_page(request, principal, code)

    @http("POST", ADMIN + "/roles/<code>")
    @web_page
    def web_admin_role_update(self, request, code):
        principal = self.web_principal(request, MANAGE_USERS)
        require_csrf(request, principal)
        role = access_admin.get_role(self.db.session, code)
        self.db.session.rollback()
        data = role_form(request.form, creating=False, builtin=role["builtin"])
        return self._admin_attempt(
            lambda: self.role_update(principal, code, data),
            lambda _: see_other(f"{ADMIN}/roles"),
            lambda exc: self._role_page(request, principal, code, {**role, **data}, exc),
        )

    @http("POST", ADMIN + "/roles/<code>/delete")
    @web_page
    def web_admin_role_delete(self, request, code):
        principal = self.web_principal(request, MANAGE_USERS)
        require_csrf(request, principal)
        return self._admin_attempt(
            lambda: self.role_delete(principal, code),
            lambda _: see_other(f"{ADMIN}/roles"),
            lambda exc: self._role_page(request, principal, code, None, exc),
        )

    # --- user groups ------------------------------------------------------------------------------

    def _user_groups_page(self, request, principal, template, group=None, form=None, error=None):
        session = self.db.session
        choices = self.contact_group_choices()
        names = {item["id"]: item["label"] for item in choices}
        groups = access_admin.list_user_groups(session) if group is None else []
        users = access_admin.list_users(session)  # the member picker: usernames and display names
        shown = [item["id"] for item in groups] if group is None else [group["id"]]
        action = "user_group.listed" if group is None else "user_group.viewed"
        self.audit_staff_read(principal, action, "user_group", shown)
        self.audit_staff_read(principal, "user.listed", "user", [user["id"] for user in users], ("username",))
        return self.admin_page(
            request,
            principal,
            template,
            status=error.status if error else 200,
            groups=groups,
            group=group,
            users=users,
            contact_groups=choices,
            contact_group_names=names,
            form=form or group or {"member_ids": [], "contact_group_ids": []},
            error=error,
        )

    @http("GET", ADMIN + "/user-groups")
    @web_page
    def web_admin_user_groups(self, request):
        principal = self.web_principal(request, MANAGE_USERS)
        return self._user_groups_page(request, principal, "admin/user_groups.html")

    @http("POST", ADMIN + "/user-groups")
    @web_page
    def web_admin_user_groups_create(self, request):
        principal = self.web_principal(request, MANAGE_USERS)
        require_csrf(request, principal)
        data = user_group_form(request.form)
        return self._admin_attempt(
            lambda: self.user_group_create(principal, data),
            lambda _: see_other(f"{ADMIN}/user-groups"),
            lambda exc: self._user_groups_page(request, principal, "admin/user_groups.html", None, data, exc),
        )

    @http("GET", ADMIN + "/user-groups/<group_id>")
    @web_page
    def web_admin_user_group(self, request, group_id):
        principal = self.web_principal(request, MANAGE_USERS)
        group = access_admin.get_user_group(self.db.session, group_id)
        return self._user_groups_page(request, principal, "admin/user_group.html", group)

    @http("POST", ADMIN + "/user-groups/<group_id>")
    @web_page
    def web_admin_user_group_update(self, request, group_id):
        principal = self.web_principal(request, MANAGE_USERS)
        require_csrf(request, principal)
        group = access_admin.get_user_group(self.db.session, group_id)
        self.db.session.rollback()
        data = user_group_form(request.form)
        return self._admin_attempt(
            lambda: self.user_group_update(principal, group_id, data),
            lambda _: see_other(f"{ADMIN}/user-groups"),
            lambda exc: self._user_groups_page(
                request, principal, "admin/user_group.html", group, {**group, **data}, exc
            ),
        )

    @http("POST", ADMIN + "/user-groups/<group_id>/delete")
    @web_page
    def web_admin_user_group_delete(self, request, group_id):
        principal = self.web_principal(request, MANAGE_USERS)
        require_csrf(request, principal)
        group = access_admin.get_user_group(self.db.session, group_id)
        self.db.session.rollback()
        return self._admin_attempt(
            lambda: self.user_group_delete(principal, group_id),
            lambda _: see_other(f"{ADMIN}/user-groups"),
            lambda exc: self._user_groups_page(request, principal, "admin/user_group.html", group, None, exc),
        )

    # --- API tokens -------------------------------------------------------------------------------

    def _tokens_page(self, request, principal, form=None, error=None, secret=None, status=None):
        choices = self.contact_group_choices()
        tokens = [token_view(token) for token in api_tokens.listed(self.db.session)]
        self.audit_staff_read(principal, "api_token.listed", "api_token", [token["id"] for token in tokens])
        return self.admin_page(
            request,
            principal,
            "admin/api_tokens.html",
            status=status or (error.status if error else 200),
            tokens=tokens,
            contact_groups=choices,
            contact_group_names={item["id"]: item["label"] for item in choices},
            form=form or {"permissions": [], "contact_group_ids": []},
            secret=secret,
            now=datetime.now(UTC),
            error=error,
        )

    @http("GET", ADMIN + "/api-tokens")
    @web_page
    def web_admin_tokens(self, request):
        principal = self.web_principal(request, MANAGE_USERS)
        return self._tokens_page(request, principal)

    @http("POST", ADMIN + "/api-tokens")
    @web_page
    def web_admin_tokens_create(self, request):
        principal = self.web_principal(request, MANAGE_USERS)
        require_csrf(request, principal)
        data = token_form(request.form)

        return self._admin_attempt(
            lambda: self.token_create(principal, data),
            lambda created: self._tokens_page(request, principal, secret=created[0], status=201),
            lambda exc: self._tokens_page(
                request, principal, {**data, "expires_on": request.form.get("expires_on")}, exc
            ),
        )

    @http("POST", ADMIN + "/api-tokens/<token_id>/revoke")
    @web_page
    def web_admin_tokens_revoke(self, request, token_id):
        principal = self.web_principal(request, MANAGE_USERS)
        require_csrf(request, principal)
        self.token_revoke(principal, token_id)
        return see_other(f"{ADMIN}/api-tokens")
