"""Piiri's connection to LimeSurvey: the real ``citric`` client, pointed at LIMESURVEY_URL with
LIMESURVEY_USER / LIMESURVEY_PASSWORD (configuration only: the project's emulator in tests and the demo,
a real installation in production), every failure turned into a Piiri error code.

``run(operation)`` opens a session, calls ``operation(client)`` and releases the key; a key that LimeSurvey
has expired meanwhile ("Invalid session key") gets one new session and one more try. Sends (invite,
remind) answer ``{"<tid>": {...}, "status": "N left to send"}``, which citric raises as a status error,
so ``send`` reads the raw answer instead.
"""

import re

import citric
import requests
from citric.exceptions import (
    LimeSurveyApiError,
    LimeSurveyError,
    LimeSurveyStatusError,
    RPCInterfaceNotEnabledError,
)
from nameko.extensions import DependencyProvider

from piiri.errors import Conflict, NotFound, PiiriError, ServiceUnavailable
from services.surveys import contract

DEFAULT_TIMEOUT = 30.0  # seconds for one HTTP request to LimeSurvey (LIMESURVEY_TIMEOUT)
LEFT_TO_SEND = re.compile(r"^(-?\d+) left to send$")
NO_CANDIDATES = "Error: No candidate tokens"


class TimeoutSession(requests.Session):
    """A requests session whose every request has a deadline (citric sets none)."""

    def __init__(self, timeout):
        super().__init__()
        self.timeout = timeout

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        return super().request(*args, **kwargs)


def translate(exc):
    """The Piiri error for a failure talking to LimeSurvey."""
    if isinstance(exc, PiiriError):
        return exc
    if isinstance(exc, RPCInterfaceNotEnabledError):
        return ServiceUnavailable(contract.LIMESURVEY_RPC_DISABLED)
    if isinstance(exc, LimeSurveyStatusError):
        status = str(exc.args[0]) if exc.args else ""
        if status == "Invalid user name or password":
            return ServiceUnavailable(contract.LIMESURVEY_LOGIN_FAILED)
        if status.lower() == "invalid session key":  # a new key expired too
            return ServiceUnavailable(contract.LIMESURVEY_SESSION_EXPIRED)
        if status == "Error: Invalid survey ID":
            return NotFound(contract.REMOTE_SURVEY_MISSING)
        if status == "No permission":
            return Conflict(contract.LIMESURVEY_NO_PERMISSION)
        return Conflict(contract.LIMESURVEY_STATUS, {"status": status})
    if isinstance(exc, LimeSurveyError):  # an API error, a response that is not JSON
        return ServiceUnavailable(contract.LIMESURVEY_STATUS, {"status": str(exc)})
    if isinstance(exc, requests.RequestException | ValueError):
        return ServiceUnavailable(contract.LIMESURVEY_UNREACHABLE)
    return exc


def session_expired(exc):
    return isinstance(exc, LimeSurveyStatusError) and str(exc.args[0]).lower() == "invalid session key"


def send_result(answer):
    """(tids sent, left to send) of an invite/remind answer; "No candidate tokens" is ([], 0)."""
    if isinstance(answer, dict):
        status = str(answer.get("status", ""))
        if status == NO_CANDIDATES:
            return [], 0
        match = LEFT_TO_SEND.match(status)
        if match:
            sent = [int(key) for key, value in answer.items() if key.isdigit() and _sent_ok(value)]
            return sent, max(0, int(match[1]))
        raise translate(LimeSurveyStatusError(status or repr(answer)))
    raise ServiceUnavailable(contract.LIMESURVEY_STATUS, {"status": repr(answer)[:200]})


def _sent_ok(value):
    return not isinstance(value, dict) or value.get("status", "OK") == "OK"


class Connection:
    """What a worker uses: ``run(operation)`` and ``send(method, *params)``."""

    def __init__(self, url, username, password, timeout):
        self.url, self.username, self.password, self.timeout = url, username, password, timeout

    def _client(self):
        if not self.url:
            raise ServiceUnavailable(contract.LIMESURVEY_NOT_CONFIGURED)
        return citric.Client(
            self.url, self.username or "", self.password or "", requests_session=TimeoutSession(self.timeout)
        )

    def run(self, operation):
        """``operation(client)``'s result; every failure a Piiri error."""
        for attempt in (1, 2):
            try:
                client = self._client()
            except Exception as exc:
                raise translate(exc) from None
            try:
                return operation(client)
            except Exception as exc:
                if attempt == 1 and session_expired(exc):
                    continue
                raise translate(exc) from None
            finally:
                try:
                    client.close()
                except Exception:  # the key expires on its own; a failed release changes nothing
                    pass
        raise ServiceUnavailable(contract.LIMESURVEY_SESSION_EXPIRED)

    def send(self, method, *params):
        """(tids sent, left to send) of invite_participants / remind_participants."""

        def call(client):
            response = client.session.call(method, *params)
            if response.get("error") is not None:
                raise LimeSurveyApiError(response["error"])
            result = response["result"]
            if isinstance(result, dict) and str(result.get("status", "")).lower() == "invalid session key":
                raise LimeSurveyStatusError(result["status"])
            return send_result(result)

        return self.run(call)


class LimeSurvey(DependencyProvider):
    """The worker's Connection: LIMESURVEY_URL, LIMESURVEY_USER, LIMESURVEY_PASSWORD, LIMESURVEY_TIMEOUT."""

    def setup(self):
        config = self.container.config
        self.settings = (
            config.get("LIMESURVEY_URL") or "",
            config.get("LIMESURVEY_USER") or "",
            config.get("LIMESURVEY_PASSWORD") or "",
            float(config.get("LIMESURVEY_TIMEOUT") or DEFAULT_TIMEOUT),
        )

    def get_dependency(self, worker_ctx):
        return Connection(*self.settings)
