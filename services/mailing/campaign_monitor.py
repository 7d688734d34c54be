"""Piiri's one door to Campaign Monitor: the official ``createsend`` client, configured from settings, and
its failures turned into Piiri's error codes.

Settings: ``CAMPAIGN_MONITOR_API_KEY``, ``CAMPAIGN_MONITOR_CLIENT_ID``, ``CAMPAIGN_MONITOR_BASE_URI``
(default the real ``https://api.createsend.com/api/v3.3``), ``CAMPAIGN_MONITOR_TIMEOUT`` (seconds) and,
for a service whose certificate is not signed by a CA that ``createsend`` ships (the local emulator,
services/mailing/emulator/), ``CAMPAIGN_MONITOR_CA_FILE``: that CA is trusted besides the bundled ones.
So the real service and the emulator differ by configuration alone.

``createsend`` reads its base URI and timeout from class attributes; ``configure`` sets them once per
process (every Piiri process talks to one Campaign Monitor account).
"""

import os
import socket
import ssl
from contextlib import contextmanager

import createsend
from createsend import createsend as createsend_core
from createsend.utils import CertificateError, VerifiedHTTPSConnection, match_hostname

from piiri.errors import PiiriError, ServiceUnavailable, ValidationFailed
from services.mailing.contract import errors

REAL_BASE_URI = "https://api.createsend.com/api/v3.3"
DEFAULT_TIMEOUT = 30.0


class CampaignMonitorDown(ServiceUnavailable):
    """Campaign Monitor did not answer, answered 429 or 5xx: worth trying again later."""


@contextmanager
def answered_plainly():
    """For an RPC's caller: Campaign Monitor down is the plain ServiceUnavailable (503, safe to retry)."""
    try:
        yield
    except CampaignMonitorDown as exc:
        raise ServiceUnavailable(exc.message, dict(exc.details)) from None


class ExtraCaConnection(VerifiedHTTPSConnection):
    """createsend's verified HTTPS connection that also trusts ``ca_file`` (the emulator's certificate)."""

    ca_file = None
    # (ca_file, its mtime) -> SSLContext: createsend opens a connection per call, and loading the
    # certificates into a new context each time took most of a sync's CPU (bench/mailing_sync_bench.py)
    _contexts: dict = {}

    @classmethod
    def context(cls, ca_file):
        key = (ca_file, os.path.getmtime(ca_file) if ca_file and os.path.exists(ca_file) else None)
        context = cls._contexts.get(key)
        if context is None:
            bundled = os.path.join(os.path.dirname(createsend.__file__), "cacert.pem")
            context = ssl.SSLContext(protocol=ssl.PROTOCOL_TLS_CLIENT)
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(bundled)
            if ca_file:
                context.load_verify_locations(ca_file)
            cls._contexts[key] = context
        return context

    def __init__(self, *args, **kwargs):
        # http.client makes a default context (the system's certificates loaded) unless given one
        kwargs.setdefault("context", self.context(self.ca_file))
        super().__init__(*args, **kwargs)

    def connect(self):
        sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        self.sock = self.context(self.ca_file).wrap_socket(sock, server_hostname=self.host)
        try:
            match_hostname(self.sock.getpeercert(), self.host)
        except CertificateError:
            self.sock.close()
            raise


def configure(config):
    """Point ``createsend`` at the configured service; the auth dict and the client id to use."""
    createsend.CreateSend.base_uri = str(config.get("CAMPAIGN_MONITOR_BASE_URI") or REAL_BASE_URI).rstrip("/")
    createsend_core.CreateSendBase.timeout = float(config.get("CAMPAIGN_MONITOR_TIMEOUT") or DEFAULT_TIMEOUT)
    ca_file = config.get("CAMPAIGN_MONITOR_CA_FILE") or None
    ExtraCaConnection.ca_file = ca_file
    createsend_core.VerifiedHTTPSConnection = ExtraCaConnection
    return Account(
        {"api_key": str(config.get("CAMPAIGN_MONITOR_API_KEY") or "")},
        config.get("CAMPAIGN_MONITOR_CLIENT_ID"),
    )


class Account:
    """The configured account: ``auth`` for createsend's classes and ``client_id``; ``call`` runs one
    client call and turns its failures into Piiri errors."""

    def __init__(self, auth, client_id):
        self.auth = auth
        self.client_id = str(client_id or "")

    @property
    def configured(self):
        return bool(self.auth.get("api_key")) and bool(self.client_id)

    def require(self):
        if not self.configured:
            raise ServiceUnavailable(errors.NOT_CONFIGURED)

    def lists(self, list_id=None):
        return createsend.List(self.auth, list_id)

    def subscribers(self, list_id=None, email=None):
        return createsend.Subscriber(self.auth, list_id, email)

    def campaigns(self, campaign_id=None):
        return createsend.Campaign(self.auth, campaign_id)

    def client(self):
        return createsend.Client(self.auth, self.client_id)

    def call(self, function, *args, **kwargs):
        self.require()
        try:
            return function(*args, **kwargs)
        except PiiriError:
            raise
        except createsend.Unauthorized as exc:
            raise ServiceUnavailable(
                errors.CM_UNAUTHORIZED, {"cm_code": getattr(exc.data, "Code", None)}
            ) from None
        except createsend.BadRequest as exc:
            raise ValidationFailed(
                errors.CM_REJECTED,
                {"cm_code": getattr(exc.data, "Code", None), "cm_message": getattr(exc.data, "Message", "")},
            ) from None
        except createsend.NotFound:
            raise ValidationFailed(errors.CM_NOT_FOUND) from None
        except createsend.ClientError as exc:  # 429 and other 4xx without a body createsend reads
            if "429" in str(exc):
                raise CampaignMonitorDown(errors.CM_UNAVAILABLE, {"reason": "rate_limited"}) from None
            raise ValidationFailed(errors.CM_REJECTED, {"cm_message": str(exc)[:300]}) from None
        except (createsend.ServerError, OSError, ValueError) as exc:
            raise CampaignMonitorDown(errors.CM_UNAVAILABLE, {"reason": type(exc).__name__}) from None
