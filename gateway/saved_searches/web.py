"""Saved searches in the web UI (C4): /saved-searches (open, rename, share, delete), saving the contact
list's current search, and the list's result count and saved-search picker (one RPC, lazily)."""

import json
import logging
from urllib.parse import parse_qsl

from werkzeug.datastructures import MultiDict

from gateway.base import search_filters
from gateway.http import http
from gateway.i18n import Translator, format_number
from gateway.roles import VIEW
from gateway.saved_searches.advanced_search_form import expression_text
from gateway.saved_searches.advanced_search_web import AdvancedSearchWebRoutes
from gateway.saved_searches.links import open_url
from gateway.saved_searches.value_words import reader_words
from gateway.web_helpers import field_errors, language_of, require_csrf, see_other, web_page
from piiri.errors import Conflict, PiiriError, ValidationFailed

log = logging.getLogger(__name__)


def count_text(t, count):
    """A ContactCount as words: '1 234 osumaa', 'yli 10 000 osumaa', '1 result'."""
    if not count["exact"]:
        return t("ss.count_more", n=format_number(count["count"] - 1, t.language))
    if count["count"] == 1:
        return t("ss.count_one")
    return t("ss.count", n=format_number(count["count"], t.language))


FILTER_PREFIX = "filter."  # hidden inputs of the save form: filter.<name> = value
NOTICES = ("created", "changed", "deleted")


def list_search(args):
    """The contact list's current search from its query arguments: (q, {filter: value})."""
    q = (args.get("q") or "").strip()
    return q, {name: value for name, value in search_filters(args).items() if value}


def form_expression(form):
    """The hidden ``expression`` input (JSON from the advanced search page) or a ValidationFailed."""
    try:
        expression = json.loads(form["expression"])
    except ValueError:
        expression = None
    if not isinstance(expression, dict):
        raise ValidationFailed("ss.err.expression", {"expression": ["ss.err.expression"]})
    return expression


def save_form_data(form):
    """The save form -> create_saved_search's input (filters from the hidden filter.<name> inputs, or
    the advanced search page's expression)."""
    if form.get("expression"):
        return {
            "name": form.get("name", ""),
            "shared": form.get("shared") == "on",
            "expression": form_expression(form),
        }
    return {
        "name": form.get("name", ""),
        "query": form.get("q", ""),
        "shared": form.get("shared") == "on",
        "filters": {
            name[len(FILTER_PREFIX) :]: value
            for name, value in form.items()
            if name.startswith(FILTER_PREFIX) and value
        },
    }


class ListBar:
    """The contact list's count and saved searches, asked for in one RPC when the template shows them."""

    def __init__(self, gateway, request):
        self.gateway = gateway
        self.query, self.filters = list_search(request.args)
        self.t = Translator(language_of(request))
        self._summary = None

    @property
    def summary(self):
        """The count and saved searches; if they cannot be had, the list is still worth showing."""
        if self._summary is None:
            try:
                self._summary = self.gateway.call(
                    "contacts", "search_summary", q=self.query, filters=self.filters
                )
            except PiiriError as exc:
                log.warning("contact list without its count: %s", exc)
                self._summary = {"count": None, "saved_searches": []}
        return self._summary

    @property
    def count_text(self):
        count = self.summary["count"]
        return count_text(self.t, count) if count else ""

    @property
    def saved_searches(self):
        return self.summary["saved_searches"]


def saved_search_bar(gateway, request, principal):
    if principal is None or request.path != "/contacts" or not principal.can(VIEW):
        return {}
    return {"saved_search_bar": ListBar(gateway, request)}


class SavedSearchesWebRoutes(AdvancedSearchWebRoutes):
    def web_saved_search_errors(self, request, exc):
        """A ValidationFailed/Conflict as messages in the user's language (field ones and general)."""
        t = Translator(language_of(request))
        by_field, general = field_errors(exc.details, t)
        return [text for texts in by_field.values() for text in texts] + general or [
            t.service_message(exc.message, exc.params)
        ]

    def web_saved_searches_page(self, request, principal, status=200, errors=None, form=None, notice=None):
        items = self.call("contacts", "list_saved_searches")["items"]
        t = Translator(language_of(request))
        words = reader_words(self.call, t.language) if any(item.get("expression") for item in items) else None
        by_field, general = field_errors(errors, t)
        messages = [text for texts in by_field.values() for text in texts] + general
        return self.web_render(
            request,
            principal,
            "saved_searches/list.html",
            status=status,
            searches=[
                {
                    **item,
                    "open_url": open_url(item),
                    "expression_text": expression_text(item["expression"], t, words)
                    if item.get("expression")
                    else "",
                }
                for item in items
            ],
            errors=messages,
            form=form,
            notice=notice,
        )

    @http("GET", "/saved-searches")
    @web_page
    def web_saved_searches_list(self, request):
        principal = self.web_principal(request, VIEW)
        notice = request.args.get("notice")
        return self.web_saved_searches_page(request, principal, notice=notice if notice in NOTICES else None)

    @http("POST", "/saved-searches")
    @web_page
    def web_saved_searches_create(self, request):
        principal = self.web_principal(request, VIEW)
        require_csrf(request, principal)
        try:
            data = save_form_data(request.form)
            self.call("contacts", "create_saved_search", data)
        except (ValidationFailed, Conflict) as exc:
            status = 409 if isinstance(exc, Conflict) else 422
            if request.form.get("expression"):  # back to the advanced search it was saved from
                return self.advanced_search_page(
                    request,
                    principal,
                    MultiDict(parse_qsl(request.form.get("search_args", ""))),
                    status,
                    save_errors=self.web_saved_search_errors(request, exc),
                    save_name=request.form.get("name", ""),
                )
            return self.web_saved_searches_page(request, principal, status, exc.details, form=data)
        return see_other("/saved-searches?notice=created")

    @http("GET", "/saved-searches/open")
    @web_page
    def web_saved_searches_open(self, request):
        self.web_principal(request, VIEW)
        search_id = request.args.get("id") or ""
        if not search_id:
            return see_other("/saved-searches")
        return see_other(open_url(self.call("contacts", "get_saved_search", search_id)))

    @http("POST", "/saved-searches/<search_id>/edit")
    @web_page
    def web_saved_searches_edit(self, request, search_id):
        """Rename (``name``) or share/unshare (``shared`` = true/false) from the list page."""
        principal = self.web_principal(request, VIEW)
        require_csrf(request, principal)
        form = request.form
        changes = {}
        if "name" in form:
            changes["name"] = form["name"]
        if "shared" in form:
            changes["shared"] = form["shared"] == "true"
        try:
            if form.get("expression"):  # "update this saved search" on the advanced search page
                changes["expression"] = form_expression(form)
            self.call("contacts", "update_saved_search", search_id, changes)
        except (ValidationFailed, Conflict) as exc:
            status = 409 if isinstance(exc, Conflict) else 422
            return self.web_saved_searches_page(request, principal, status, exc.details)
        return see_other("/saved-searches?notice=changed")

    @http("GET", "/saved-searches/<search_id>/delete")
    @web_page
    def web_saved_searches_confirm_delete(self, request, search_id):
        principal = self.web_principal(request, VIEW)
        search = self.call("contacts", "get_saved_search", search_id)
        if search.get("expression"):
            language = language_of(request)
            search["expression_text"] = expression_text(
                search["expression"], Translator(language), reader_words(self.call, language)
            )
        return self.web_render(request, principal, "saved_searches/delete.html", search=search)

    @http("POST", "/saved-searches/<search_id>/delete")
    @web_page
    def web_saved_searches_delete(self, request, search_id):
        principal = self.web_principal(request, VIEW)
        require_csrf(request, principal)
        self.call("contacts", "delete_saved_search", search_id)
        return see_other("/saved-searches?notice=deleted")
