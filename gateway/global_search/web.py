"""The header's search suggestions: ``GET /search/suggestions?q=...`` answers JSON for
gateway/static/piiri.js.

The suggestions are the first SUGGESTIONS contacts of the contacts service's own search (``search_contacts``,
as the contact list and ``GET /api/v1/contacts?q=`` use it): accent- and case-insensitive, by name, e-mail
or phone, limited to the caller's scope (C6), and audited as one ``contact.listed`` read naming every
contact suggested. A query shorter than MIN_CHARS reads nothing. The session cookie is the only way in
(a page of the web UI: without a session, a redirect to the login); a GET changes nothing, so it needs no
CSRF token. Bad input is a 400 in JSON (a NUL is refused as such before any route, gateway/request_guard.py),
never a 5xx.
"""

import functools
import logging
import uuid
from urllib.parse import urlencode

from gateway.core import GatewayCore
from gateway.http import error_response, http, internal_error, json_response
from gateway.i18n import Translator
from gateway.request_guard import MalformedRequest
from gateway.roles import VIEW
from gateway.web_helpers import (
    PASSWORD_CHANGE_PATH,
    LoginRequired,
    format_phone,
    language_of,
    login_redirect,
    see_other,
)
from piiri.errors import NotAuthenticated, PasswordChangeRequired, PiiriError, ValidationFailed, coded

log = logging.getLogger(__name__)

SUGGESTIONS = 8
MIN_CHARS = 2
MAX_CHARS = 100


def search_words(value):
    """The query of a suggestion request, stripped; a MalformedRequest (400) for one no search takes."""
    query = (value or "").strip()
    if len(query) > MAX_CHARS:
        raise MalformedRequest("request.invalid_values", {"q": [coded("value.too_long", max=MAX_CHARS)]})
    if any(ord(char) < 32 or 127 <= ord(char) < 160 for char in query):
        raise MalformedRequest("request.invalid_values", {"q": ["value.control_character"]})
    return query


def suggestion(item):
    """A contact of the search page -> what the header shows of it and where it leads."""
    detail = [item.get("email"), format_phone(item.get("phone")), item.get("city")]
    return {
        "id": item["id"],
        "name": item["display_name"],
        "kind": item["kind"],
        "detail": [part for part in detail if part],
        "url": f"/contacts/{item['id']}",
    }


def suggestions_body(query, items, t):
    """The JSON answer: the suggestions, the way to every result, and a sentence for screen readers."""
    count = len(items)
    if count == 0:
        status = t("gs.none")
    elif count == 1:
        status = t("gs.count_one")
    else:
        status = t("gs.count_many", count=count)
    return {
        "query": query,
        "items": [suggestion(item) for item in items],
        "all": {"url": "/contacts?" + urlencode({"q": query}), "label": t("gs.all", query=query)},
        "status": status,
    }


def json_route(method):
    """Wrap a JSON route of the web UI: not logged in -> the login page (as every page); a refusal -> its
    JSON error, bad input a 400; a bug -> a JSON 500 naming only the incident."""

    @functools.wraps(method)
    def route(self, request, *args, **kwargs):
        try:
            response = method(self, request, *args, **kwargs)
        except (LoginRequired, NotAuthenticated):
            return login_redirect(request)
        except PasswordChangeRequired:
            return see_other(PASSWORD_CHANGE_PATH)
        except ValidationFailed as exc:  # the search's own checks: a 400 like the gateway's
            response = error_response(MalformedRequest(exc.message, exc.details), language_of(request))
        except PiiriError as exc:
            response = error_response(exc, language_of(request))
        except Exception as exc:
            incident = uuid.uuid4().hex[:12]
            log.error("unhandled error in search suggestions %s: %r", incident, exc, exc_info=exc)
            response = error_response(internal_error(incident), language_of(request))
        response.headers["Cache-Control"] = "no-store"  # personal data: never kept by a browser or proxy
        return response

    return route


class GlobalSearchWebRoutes(GatewayCore):
    @http("GET", "/search/suggestions")
    @json_route
    def web_search_suggestions(self, request):
        self.web_principal(request, VIEW)  # the RPC acts as them: their scope, their audit record
        query = search_words(request.args.get("q"))
        items = []
        if len(query) >= MIN_CHARS:
            page = self.call("contacts", "search_contacts", q=query, limit=SUGGESTIONS, filters={})
            items = page["items"]
        return json_response(suggestions_body(query, items, Translator(language_of(request))))
