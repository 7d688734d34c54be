"""The gateway's HTTP entrypoint: security headers on every response, JSON errors, never a stack trace."""

import contextvars
import json
import logging
import uuid
from datetime import date, datetime

from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer
from sqlalchemy import exc as sqlalchemy_exc
from werkzeug.datastructures import EnvironHeaders
from werkzeug.wrappers import Response

from gateway.i18n import Translator, request_language
from gateway.listen import ReusePortListening
from gateway.proxies import client_used_https, trusted_hops
from gateway.request_guard import check_request, refusal_page
from piiri.context import REQUEST_ID_KEY
from piiri.errors import PiiriError, ServiceUnavailable, is_code

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


API_LANGUAGE = "en"  # an API client that asks for no language (Accept-Language) reads English
_request_language: contextvars.ContextVar[str] = contextvars.ContextVar(
    "request_language", default=API_LANGUAGE
)


def error_response(error, language=None):
    """The JSON body of an error (piiri.errors): its code and params, and ``message`` in the request's
    language (the language cookie or Accept-Language; English when it asks for none)."""
    headers = {"Cache-Control": "no-store"}
    if error.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="piiri"'
    human = None
    if is_code(error.message):  # an older service's sentence is passed on as sent
        human = Translator(language or _request_language.get()).service_message(error.message, error.params)
    return json_response(error.as_dict(human), status=error.status, headers=headers)


class InternalError(PiiriError):
    """What a client sees of a bug: a generic message and the id to quote, never the exception's class,
    text or stack (issue 12 item 7k)."""

    status = 500
    code = "internal_error"


def internal_error(incident):
    return InternalError(
        f"Something went wrong on the server (request {incident}); it was logged.", {"request_id": incident}
    )


def database_unavailable(incident):
    return ServiceUnavailable(
        f"The service is busy or restarting (request {incident}); try again in a moment.",
        {"request_id": incident},
    )


# Connection failures of the gateway's own database (OperationalError: refused, too many clients,
# server restarting; DisconnectionError: a pooled connection found dead).
DATABASE_DOWN = (sqlalchemy_exc.OperationalError, sqlalchemy_exc.DisconnectionError)

DEFAULT_HSTS_SECONDS = 31536000  # a year


def hsts_seconds(config):
    """Strict-Transport-Security's max-age: ``HSTS_MAX_AGE`` (a year when unset; 0 turns it off)."""
    value = config.get("HSTS_MAX_AGE")
    try:
        return max(int(value), 0) if value not in (None, "") else DEFAULT_HSTS_SECONDS
    except (TypeError, ValueError):
        return DEFAULT_HSTS_SECONDS


def security_headers(config, https=False):
    """The headers every response carries; HSTS on every answer to a request that came over HTTPS
    (directly, or as a trusted proxy says: gateway/proxies.py), never over plain HTTP (issue 12 item 7j)."""
    headers = dict(SECURITY_HEADERS)
    seconds = hsts_seconds(config)
    if https and seconds > 0:
        headers["Strict-Transport-Security"] = f"max-age={seconds}; includeSubDomains"
    return headers


class GatewayWebServer(ReusePortListening, WebServer):
    """nameko's web server, adding the security headers to every response at the WSGI level, so that
    the router's own answers (404 for an unknown path, 405) carry them too."""

    def get_wsgi_app(self):
        app = super().get_wsgi_app()
        config = self.container.config
        hops = trusted_hops(config)
        plain, secure = security_headers(config), security_headers(config, https=True)

        def with_security_headers(environ, start_response):
            https = client_used_https(environ.get("wsgi.url_scheme"), EnvironHeaders(environ), hops)
            extra = secure if https else plain

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
        request.shallow = False  # as nameko's own handler does before reading the body
        _request_language.set(request_language(request, default=API_LANGUAGE))  # for error_response
        try:
            check_request(request)  # sizes and storable text before any route's work (issue 12)
        except PiiriError as exc:
            response = self._refusal(request, exc)
        else:
            response = super().handle_request(request)
        request_id = request.environ.get(REQUEST_ID_ENVIRON)
        if request_id:  # G2: the id the audit records of this request carry, for support and tests
            response.headers["X-Request-Id"] = request_id
        if request.path.startswith("/api/") or request.path == "/health":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    def _refusal(self, request, exc):
        if request.path.startswith("/api/") or request.path == "/health":
            return error_response(exc, request_language(request, default=API_LANGUAGE))
        return refusal_page(request, exc)

    def handle_result(self, event, worker_ctx, result, exc_info):
        request_id = worker_ctx.data.get(REQUEST_ID_KEY)
        if request_id and worker_ctx.args:
            worker_ctx.args[0].environ[REQUEST_ID_ENVIRON] = request_id
        if exc_info is not None and not isinstance(exc_info[1], PiiriError):
            incident = request_id or worker_ctx.call_id
            if isinstance(exc_info[1], DATABASE_DOWN):
                # The gateway's own database refused or lost the connection (full, restarting): the
                # client may try again, so 503, not a bug's 500 (found by the load benchmark).
                log.warning("request %s: the gateway database is unavailable: %r", incident, exc_info[1])
                error = database_unavailable(incident)
            else:
                # A bug: logged whole under the request's id; the client learns only that id (item 7k).
                log.error("unhandled error in request %s: %r", incident, exc_info[1], exc_info=exc_info)
                error = internal_error(incident)
            exc_info = (type(error), error, None)
        return super().handle_result(event, worker_ctx, result, exc_info)

    def response_from_exception(self, exc):
        if isinstance(exc, PiiriError):
            return error_response(exc)
        incident = uuid.uuid4().hex[:12]
        log.error("unhandled error %s: %r", incident, exc, exc_info=exc)
        return error_response(internal_error(incident))


http = GatewayHttp.decorator
