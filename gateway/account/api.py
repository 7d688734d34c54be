"""/api/v1 routes of login security (S1): a login token (issued and revoked), your own account and
password; an admin's unlock, password reset and TOTP reset of a user. The rules are in gateway/accounts.py."""

from gateway import accounts, accounts_totp, admin_writes, auth
from gateway.account import schemas
from gateway.account.calls import AccountCalls
from gateway.base import json_body
from gateway.http import http, json_response
from gateway.openapi import api_operation
from gateway.roles import MANAGE_USERS
from gateway.security import LockoutPolicy
from piiri.errors import ValidationFailed


def login_fields_are_text(data):
    """username, password (and totp, if given) must be text: a number, list or object is a 422 naming the
    field, never a 5xx (issue 12 item 6)."""
    errors = {
        name: ["Must be text."]
        for name in ("username", "password", "totp")
        if data.get(name) is not None and not isinstance(data.get(name), str)
    }
    if errors:
        raise ValidationFailed("The login fields must be text.", errors)


class AccountApiRoutes(AccountCalls):
    @api_operation(
        "Exchange username and password for a bearer token",
        tags=("api",),  # the first API's routes: tagged "api" since
        public=True,
        body=schemas.TokenRequest,
        responses={
            201: (schemas.TokenResponse, "Token issued"),
            423: (schemas.Error, "account_locked: too many failed logins; until details.locked_until"),
        },
        errors=(401, 403, 429),
    )
    @http("POST", "/api/v1/auth/token")
    def issue_token(self, request):
        data = request.get_json(silent=True) if request.is_json else request.form
        data = data if hasattr(data, "get") else {}
        login_fields_are_text(data)
        secret, principal = auth.login(
            self.db.session,
            data.get("username"),
            data.get("password"),
            self.client_address(request),
            "api",
            self.settings,
            totp=data.get("totp"),
            audit=self.account_audit(),
        )
        return json_response(
            {
                "token": secret,
                "token_type": "Bearer",
                "username": principal.user["username"],
                "role": principal.user["role"],
            },
            status=201,
        )

    @api_operation(
        "Revoke the token used for this call (an API token for another system for good)",
        tags=("api",),
        responses={200: "Revoked"},
    )
    @http("DELETE", "/api/v1/auth/token")
    def revoke_token(self, request):
        """End the caller's own login token or session; an API token for another system is revoked for
        good (audited as api_token.revoked), as the token admin would (issue 12 item 7e)."""
        principal = auth.require(self.principal(request))
        self.check_api_csrf(request, principal)  # a cookie session ends only with its token (S1)
        if principal.kind == "token":
            self.act_as(principal)
            token = admin_writes.revoke_api_token(
                self.db.session, self.audit_trail, principal, principal.user["id"]
            )
            return json_response({"revoked": True, "api_token_id": str(token["id"])})
        auth.logout(self.db.session, principal)
        return json_response({"revoked": True})

    @api_operation(
        "S1: your own account and its login security (lock, TOTP, forced password change)",
        responses={200: schemas.Account},
        errors=(403,),
    )
    @http("GET", "/api/v1/account")
    def api_account(self, request):
        principal = self.api_principal(request)
        user = accounts.user_by_id(self.db.session, principal.user["id"])
        return json_response(
            {
                "id": str(user["id"]),
                "username": user["username"],
                "display_name": user["display_name"],
                "role": user["role"],
                **accounts.security_state(user),
            }
        )

    @api_operation(
        "S1: change your password; all your sessions and login tokens end (this one too)",
        body=schemas.PasswordChange,
        responses={200: "Changed"},
        errors=(403, 422, 423, 429),  # 423/429: wrong current passwords are throttled as logins are
    )
    @http("POST", "/api/v1/account/password")
    def api_account_password(self, request):
        """Change your own password; every session and token of yours ends, this one too."""
        principal = self.api_principal(request)
        data = json_body(request)
        accounts.change_password(
            self.db.session,
            principal.user["id"],
            data.get("current_password"),
            data.get("new_password"),
            None,
            self.settings["session_hours"],
            self.account_audit(principal.actor),
            keep_kind=None,
            remote_addr=self.client_address(request),
            policy=LockoutPolicy.from_settings(self.settings),
        )
        return json_response({"changed": True, "message": "Password changed; log in again."})

    @api_operation(
        "S1: end a user's lock-out and restart the failure count (users.manage)",
        permission="users.manage",
        responses={200: schemas.UnlockResult},
        errors=(403, 404),
    )
    @http("POST", "/api/v1/users/<user_id>:unlock")
    def api_user_unlock(self, request, user_id):
        principal = self.api_principal(request, MANAGE_USERS)
        return json_response(accounts.unlock(self.db.session, user_id, self.account_audit(principal.actor)))

    @api_operation(
        (
            "S1: give a user a one-time temporary password (shown once) that must be changed at the next "
            "login; ends the user's sessions (users.manage)"
        ),
        permission="users.manage",
        responses={200: schemas.PasswordReset},
        errors=(403, 404),
    )
    @http("POST", "/api/v1/users/<user_id>:reset-password")
    def api_user_reset_password(self, request, user_id):
        principal = self.api_principal(request, MANAGE_USERS)
        self.guard_user_target(principal, user_id)
        result = accounts.reset_password(self.db.session, user_id, self.account_audit(principal.actor))
        return json_response(result, headers={"Cache-Control": "no-store"})

    @api_operation(
        "S1: turn off a user's two-factor login, e.g. a lost phone (users.manage)",
        permission="users.manage",
        responses={200: schemas.TotpReset},
        errors=(403, 404),
    )
    @http("POST", "/api/v1/users/<user_id>:reset-totp")
    def api_user_reset_totp(self, request, user_id):
        principal = self.api_principal(request, MANAGE_USERS)
        self.guard_user_target(principal, user_id)
        return json_response(
            accounts_totp.reset_totp(self.db.session, user_id, self.account_audit(principal.actor))
        )
