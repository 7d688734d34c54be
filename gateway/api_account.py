"""/api/v1 routes of login security (S1): your own account and password; an admin's unlock, password
reset and TOTP reset of a user. The rules are in gateway/accounts.py."""

from gateway import (
    accounts,
    accounts_totp,
)
from gateway import openapi_account as schemas
from gateway.base import json_body
from gateway.http import http, json_response
from gateway.openapi import api_operation
from gateway.roles import MANAGE_USERS
from gateway.security import LockoutPolicy
from piiri.context import SYSTEM


class AccountApiRoutes:
    def account_audit(self, actor=None):
        """The ``audit`` hook of gateway/accounts.py: records published by the gateway's AuditTrail, acting as
        ``actor`` (the system for what an anonymous login attempt causes)."""
        return accounts.audit_hook(self.audit_trail, actor or SYSTEM)

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
