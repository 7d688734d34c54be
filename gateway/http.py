"""The gateway's HTTP entrypoint: security headers on every response, JSON errors, never a stack trace."""

import json
import logging
import uuid
from datetime import date, datetime

from nameko.web.handlers import HttpRequestHandler
from werkzeug.wrappers import Response

from piiri.errors import PiiriError

log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def _json_default(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json_response(payload, status=200, headers=None):
    return Response(
        json.dumps(payload, default=_json_default, ensure_ascii=False),
        status=status,
        headers=headers,
        mimetype="application/json",
    )


def error_response(error):
    headers = {"Cache-Control": "no-store"}
    if error.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="piiri"'
    return json_response(error.as_dict(), status=error.status, headers=headers)


class GatewayHttp(HttpRequestHandler):
    """nameko's @http with the gateway's response policy."""

    def handle_request(self, request):
        response = super().handle_request(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.path.startswith("/api/") or request.path == "/health":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    def response_from_exception(self, exc):
        if isinstance(exc, PiiriError):
            return error_response(exc)
        incident = uuid.uuid4().hex[:12]
        log.error("unhandled error %s: %r", incident, exc, exc_info=exc)
        return json_response(
            {
                "error": "internal_error",
                "message": f"Something went wrong (incident {incident}); it was logged.",
            },
            status=500,
        )


http = GatewayHttp.decorator
