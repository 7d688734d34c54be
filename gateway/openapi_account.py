"""OpenAPI paths of login security (S1): your account and password, an admin's unlock and resets."""

from marshmallow import Schema, fields

from gateway.openapi import error_responses, json_content, openapi_paths


class Account(Schema):
    id = fields.UUID()
    username = fields.String()
    display_name = fields.String(allow_none=True)
    role = fields.String()
    locked = fields.Boolean()
    locked_until = fields.DateTime(allow_none=True)
    failed_logins = fields.Integer()
    must_change_password = fields.Boolean()
    totp_enabled = fields.Boolean()
    password_changed_at = fields.DateTime(allow_none=True)


class PasswordChange(Schema):
    current_password = fields.String(required=True, load_only=True)
    new_password = fields.String(
        required=True,
        load_only=True,
        metadata={"description": "At least 12 characters, not the username, not a common password."},
    )


class UnlockResult(Schema):
    id = fields.UUID()
    username = fields.String()
    locked_until = fields.DateTime(allow_none=True)
    was_locked = fields.Boolean()


class PasswordReset(Schema):
    id = fields.UUID()
    username = fields.String()
    temporary_password = fields.String(metadata={"description": "Shown only in this answer."})
    must_change_password = fields.Boolean()


class TotpReset(Schema):
    id = fields.UUID()
    username = fields.String()
    totp_enabled = fields.Boolean()


USER_ID = {"name": "user_id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}


@openapi_paths
def account_paths(spec, secured):
    for name, schema in (
        ("Account", Account),
        ("PasswordChange", PasswordChange),
        ("UnlockResult", UnlockResult),
        ("PasswordReset", PasswordReset),
        ("TotpReset", TotpReset),
    ):
        spec.components.schema(name, schema=schema)
    admin = error_responses(401, 403, 404, 503)
    spec.path(
        "/api/v1/account",
        operations={
            "get": {
                "summary": "S1: your own account and its login security (lock, TOTP, forced password change)",
                "security": secured,
                "responses": {"200": json_content("Account"), **error_responses(401, 403)},
            }
        },
    )
    spec.path(
        "/api/v1/account/password",
        operations={
            "post": {
                "summary": "S1: change your password; all your sessions and login tokens end (this one too)",
                "security": secured,
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": "PasswordChange"}},
                },
                "responses": {"200": {"description": "Changed"}, **error_responses(401, 403, 422, 503)},
            }
        },
    )
    for action, schema, summary in (
        ("unlock", "UnlockResult", "S1: end a user's lock-out and restart the failure count (users.manage)"),
        (
            "reset-password",
            "PasswordReset",
            "S1: give a user a one-time temporary password (shown once) that must be changed at the next "
            "login; ends the user's sessions (users.manage)",
        ),
        (
            "reset-totp",
            "TotpReset",
            "S1: turn off a user's two-factor login, e.g. a lost phone (users.manage)",
        ),
    ):
        spec.path(
            f"/api/v1/users/{{user_id}}:{action}",
            operations={
                "post": {
                    "summary": summary,
                    "security": secured,
                    "parameters": [USER_ID],
                    "responses": {"200": json_content(schema), **admin},
                }
            },
        )
