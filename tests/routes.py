"""The gateway's routes as tests and scripts see them: every (method, rule) of GatewayService's @http
entrypoints, found by introspection, so a new route shows up in the permission matrix, the audit walk and
docs/routes.md without anyone listing it by hand."""

import inspect

from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR


def gateway_routes():
    """Every "METHOD /rule" of GatewayService's @http entrypoints, sorted by path then method."""
    from gateway.service import GatewayService

    found = set()
    for _, method in inspect.getmembers(GatewayService, callable):
        for entrypoint in getattr(method, ENTRYPOINT_EXTENSIONS_ATTR, ()):
            found.add(f"{entrypoint.method} {entrypoint.url}")
    return sorted(found, key=lambda route: (route.split(" ", 1)[1], route))


def is_api(path):
    """Answered as JSON (bearer token), not as a web page (session cookie)."""
    return path.startswith("/api/") or path == "/health"
