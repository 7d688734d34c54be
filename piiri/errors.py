"""The one error hierarchy: raised in services, carried over RPC as themselves, mapped to HTTP.

Errors are codes, not sentences (issue 11 item 5). A service raises an exception whose message is a
stable code ``<area>.<what>`` (lowercase, dots and underscores, e.g. ``contact.email_invalid``), with
the values a text needs in ``params``; field details map each field to a list of codes, or of
``{"code": ..., "params": {...}}`` entries::

    raise ValidationFailed("contact.invalid", {"email": ["contact.email_invalid"]})
    raise ValidationFailed(
        "contact.invalid", {"name": [{"code": "contact.too_long", "params": {"max": 100}}]}
    )
    raise NotFound("groups.group_not_found", params={"id": group_id})

The gateway translates every code through its gettext catalogs (``gateway/<area>/locale/``) in the
request's language; a code needs a message id of the same name in the fi, sv and en catalogs (a test
collects the codes raised in ``services/`` and checks). The HTTP body of an error is
``{"error": <kind>, "code": <code>, "params": {...}, "details": {...}, "message": <human text>}``.

tests/unit/test_error_codes.py fails on a sentence where a code belongs (a field finding, a cell's or an
import file's message); the gateway shows a message that is not a code as sent (a text stored before
codes), and ``is_code`` tells them apart.
"""

import re
from collections.abc import Mapping
from typing import Any

from nameko.exceptions import deserialize_to_instance

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
"""A stable message code: ``area.what`` or ``area.part.what``."""


def is_code(text: object) -> bool:
    """Whether ``text`` is a message code (``contact.email_invalid``) rather than a sentence."""
    return isinstance(text, str) and CODE_PATTERN.match(text) is not None


def coded(code: str, **params: Any) -> dict[str, Any]:
    """A detail entry with the values its text needs: ``coded("contact.too_long", max=100)``."""
    return {"code": code, "params": params}


class PiiriError(Exception):
    """Base of every error a user may see.

    ``message`` is a code (see the module docstring), ``params`` the values its text needs, ``details``
    JSON-able (e.g. field -> list of codes or ``{"code", "params"}`` entries)."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        details: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message, details or {}, params or {})
        self.message = message
        self.details: Mapping[str, Any] = details or {}
        self.params: Mapping[str, Any] = params or {}

    def __str__(self) -> str:
        return self.message

    def as_dict(self, human: str | None = None) -> dict[str, object]:
        """The HTTP body: ``error`` (the kind), ``code`` and ``params`` when the message is a code,
        ``details``, and ``message``: ``human`` (the code in the reader's language) or the message."""
        body: dict[str, object] = {"error": self.code}
        if is_code(self.message):
            body["code"] = self.message
            body["params"] = dict(self.params)
        body["message"] = human if human is not None else self.message
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
# The names of the exception classes above, as code raising them spells them (tests that read the source)
ERROR_CLASS_NAMES = frozenset(
    name
    for name, value in list(globals().items())
    if isinstance(value, type) and issubclass(value, PiiriError)
)
