"""The OpenAPI schemas of the account API routes (issue 11 item 4): the shapes their
@api_operation declarations name as `schemas.<Name>`; a name imported "as" itself is re-exported for them."""

from marshmallow import Schema, fields

from gateway.openapi import Error as Error


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


class PasswordReset(Schema):
    id = fields.UUID()
    username = fields.String()
    temporary_password = fields.String(metadata={"description": "Shown only in this answer."})
    must_change_password = fields.Boolean()


class TotpReset(Schema):
    id = fields.UUID()
    username = fields.String()
    totp_enabled = fields.Boolean()


class UnlockResult(Schema):
    id = fields.UUID()
    username = fields.String()
    locked_until = fields.DateTime(allow_none=True)
    was_locked = fields.Boolean()


class TokenRequest(Schema):
    username = fields.String(required=True)
    password = fields.String(required=True, load_only=True)
    totp = fields.String(
        load_only=True,
        metadata={
            "description": (
                "S1: the 6-digit code of a two-factor account; a missing or wrong code gets the same 401 "
                "as a wrong password (issue 12 item 7f)."
            )
        },
    )


class TokenResponse(Schema):
    token = fields.String(required=True, metadata={"description": "Send as `Authorization: Bearer <token>`."})
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    username = fields.String()
    role = fields.String()
