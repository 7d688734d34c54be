"""The gateway's HTTP entrypoint: security headers on every response, JSON errors, never a stack trace."""

import json
import logging
import uuid
from datetime import date, datetime

from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer
from werkzeug.wrappers import Response

from gateway.listen import ReusePortListening
from piiri.context import REQUEST_ID_KEY
from piiri.errors import PiiriError

log = logging.getLogger(__name__)

REQUEST_ID_ENVIRON = "piiri.request_id"  # set once the route acted as someone (context.act_as)

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


def security_headers(config):
    """The headers every response carries; HSTS only when configured (the site is served over https)."""
    headers = dict(SECURITY_HEADERS)
    hsts_seconds = int(config.get("HSTS_MAX_AGE") or 0)
    if hsts_seconds > 0:
        headers["Strict-Transport-Security"] = f"max-age={hsts_seconds}; includeSubDomains"
    return headers


class GatewayWebServer(ReusePortListening, WebServer):
    """nameko's web server, adding the security headers to every response at the WSGI level, so that
    the router's own answers (404 for an unknown path, 405) carry them too."""

    def get_wsgi_app(self):
        app = super().get_wsgi_app()
        extra = security_headers(self.container.config)

        def with_security_headers(environ, start_response):
            def start(status, headers, exc_info=None):
                present = {name.lower() for name, _ in headers}
                headers = [*headers, *((k, v) for k, v in extra.items() if k.lower() not in present)]
                return start_response(status, headers, exc_info)

            return app(environ, start)

        return with_security_headers


class GatewayHttp(HttpRequestHandler):
    """nameko's @http with the gateway's response policy."""

    server = GatewayWebServer()

    def handle_request(self, request):
        response = super().handle_request(request)
        request_id = request.environ.get(REQUEST_ID_ENVIRON)
        if request_id:  # G2: the id the audit records of this request carry, for support and tests
            response.headers["X-Request-Id"] = request_id
        if request.path.startswith("/api/") or request.path == "/health":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    def handle_result(self, event, worker_ctx, result, exc_info):
        request_id = worker_ctx.data.get(REQUEST_ID_KEY)
        if request_id and worker_ctx.args:
            worker_ctx.args[0].environ[REQUEST_ID_ENVIRON] = request_id
        return super().handle_result(event, worker_ctx, result, exc_info)

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
