"""The e-invoice operator's HTTP client (B3): Piiri's operator protocol, which emulators/einvoice/operator.py
serves locally and an operator's gateway (or a small adapter in front of one) serves in production.

    POST {BILLING_EINVOICE_URL}/messages   one Finvoice message -> {"id", "status": "accepted"}
    GET  {BILLING_EINVOICE_URL}/messages/<id> -> {"status": "accepted" | "delivered" | "rejected", "reason"}

with ``Authorization: Bearer {BILLING_EINVOICE_KEY}`` and a deadline of BILLING_EINVOICE_TIMEOUT seconds.
A refusal (4xx with a reason) is the operator's answer about the message: ``Refused``. No answer, a 5xx or
an answer that is not the protocol's: ``Unavailable``, and nothing is assumed about the message.
"""

import requests

DEFAULT_TIMEOUT = 20.0


class Refused(Exception):
    """The operator refused the message; ``reason`` is its words."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class Unavailable(Exception):
    """The operator did not answer as the protocol says (down, timed out, 5xx, a wrong key)."""


class OperatorClient:
    def __init__(self, url, key, timeout=DEFAULT_TIMEOUT):
        self.url = url.rstrip("/")
        self.key = key
        self.timeout = timeout

    @classmethod
    def from_config(cls, config):
        """The client of the configured operator, or None when BILLING_EINVOICE_URL is not set."""
        url = str(config.get("BILLING_EINVOICE_URL") or "").strip()
        if not url:
            return None
        timeout = float(config.get("BILLING_EINVOICE_TIMEOUT") or DEFAULT_TIMEOUT)
        return cls(url, str(config.get("BILLING_EINVOICE_KEY") or ""), timeout)

    def send(self, document):
        """Post one Finvoice message: {"id", "status"}; Refused or Unavailable."""
        body = self._call("POST", "/messages", data=document, headers={"Content-Type": "application/xml"})
        if body.get("status") != "accepted" or not isinstance(body.get("id"), str):
            raise Unavailable(f"the operator's answer is not the protocol's: {body!r}"[:300])
        return body

    def status(self, message_id):
        """{"status", "reason"} of a message the operator took; Unavailable if it cannot say."""
        body = self._call("GET", f"/messages/{message_id}")
        if body.get("status") not in ("accepted", "delivered", "rejected"):
            raise Unavailable(f"the operator's answer is not the protocol's: {body!r}"[:300])
        return body

    def _call(self, method, path, **kwargs):
        headers = {"Authorization": f"Bearer {self.key}", **kwargs.pop("headers", {})}
        try:
            response = requests.request(
                method, self.url + path, headers=headers, timeout=self.timeout, **kwargs
            )
        except requests.RequestException as exc:
            raise Unavailable(f"{type(exc).__name__}: {exc}"[:300]) from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise Unavailable(f"HTTP {response.status_code} without a JSON object")
        if response.status_code in (400, 413, 422) and body.get("status") == "rejected":
            raise Refused(str(body.get("reason") or "refused")[:1000])
        if response.status_code >= 300:
            raise Unavailable(f"HTTP {response.status_code}: {body!r}"[:300])
        return body
