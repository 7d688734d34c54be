"""The one error hierarchy: raised in services, carried over RPC as themselves, mapped to HTTP."""

from collections.abc import Mapping
from typing import Any

from nameko.exceptions import deserialize_to_instance


class PiiriError(Exception):
    """Base of every error a user may see. ``details`` is JSON-able (e.g. field -> messages)."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(message, details or {})
        self.message = message
        self.details: Mapping[str, Any] = details or {}

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"error": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return body


@deserialize_to_instance
class BadRequest(PiiriError):
    """A request that cannot be read at all (a malformed body)."""

    status = 400
    code = "bad_request"


@deserialize_to_instance
class ValidationFailed(PiiriError):
    """Input did not pass validation; ``details`` maps each field to its messages."""

    status = 422
    code = "validation_failed"


@deserialize_to_instance
class NotFound(PiiriError):
    status = 404
    code = "not_found"


@deserialize_to_instance
class PermissionDenied(PiiriError):
    status = 403
    code = "permission_denied"


@deserialize_to_instance
class NotAuthenticated(PiiriError):
    status = 401
    code = "not_authenticated"


@deserialize_to_instance
class Conflict(PiiriError):
    status = 409
    code = "conflict"


@deserialize_to_instance
class TooManyAttempts(PiiriError):
    status = 429
    code = "too_many_attempts"


@deserialize_to_instance
class AccountLocked(PiiriError):
    """Too many failed logins: the account is locked until ``details["locked_until"]`` (S1)."""

    status = 423
    code = "account_locked"


@deserialize_to_instance
class SecondFactorRequired(PiiriError):
    """The password was right but the account's TOTP code is missing or wrong (S1)."""

    status = 401
    code = "totp_required"


@deserialize_to_instance
class PasswordChangeRequired(PiiriError):
    """An admin reset the password: the user must choose a new one in the web UI first (S1)."""

    status = 403
    code = "password_change_required"


@deserialize_to_instance
class AuditUnavailable(PiiriError):
    """The audit event of a read could not be published, so the read is refused."""

    status = 503
    code = "audit_unavailable"


@deserialize_to_instance
class ServiceUnavailable(PiiriError):
    status = 503
    code = "service_unavailable"


EXPECTED_ERRORS = (PiiriError,)
