"""The site as a whole in the web UI: the home page's redirect, the language switch and the static files."""

from gateway.core import GatewayCore
from gateway.http import http
from gateway.i18n import LANGUAGE_COOKIE, LANGUAGES
from gateway.web_helpers import HOME_PATH, safe_next, see_other, set_cookie, static_file, web_page
from piiri.errors import NotFound

LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600


class SiteWebRoutes(GatewayCore):
    @http("GET", "/")
    @web_page
    def web_home(self, request):
        return see_other(HOME_PATH if self.session_principal(request) else "/login")

    @http("GET", "/lang/<code>")
    @web_page
    def web_language(self, request, code):
        if code not in LANGUAGES:
            raise NotFound(f"No language {code}.", {"code": code})
        response = see_other(safe_next(request.args.get("next"), default="/"))
        set_cookie(response, self.settings, LANGUAGE_COOKIE, code, max_age=LANGUAGE_COOKIE_SECONDS)
        return response

    @http("GET", "/static/<path:filename>")
    @web_page
    def web_static(self, request, filename):
        response = static_file(filename)
        if response is None:
            raise NotFound(f"No static file {filename}.", {"filename": filename})
        return response
