"""The advanced-search web page (C4): /contacts/advanced builds an AND/OR/NOT expression from rows of
the form, sorts, pages with cursors and shows the count; everything through the contacts service."""

from urllib.parse import urlencode

from gateway import i18n_advanced_search  # noqa: F401  (registers the words)
from gateway.advanced_search_form import FIELDS, SORTS, expression_of, form_state, row_errors
from gateway.http import http
from gateway.i18n import Translator
from gateway.roles import VIEW
from gateway.web_helpers import language_of, list_filter_section, web_page
from piiri.errors import ValidationFailed

list_filter_section("advanced_search/_list_filters.html")


class AdvancedSearchWebRoutes:
    @http("GET", "/contacts/advanced")
    @web_page
    def web_advanced_search_page(self, request):
        principal = self.web_principal(request, VIEW)
        args = request.args
        state = form_state(args)
        expression, paths = expression_of(state)
        page, count, errors, general, status = None, None, {}, [], 200
        if expression is not None:
            try:
                page = self.call(
                    "contacts",
                    "search_contacts_advanced",
                    expression,
                    sort=state["sort"],
                    direction=state["direction"],
                    cursor=args.get("cursor") or None,
                )
                count = self.call("contacts", "count_contacts_advanced", expression)
            except ValidationFailed as exc:
                t = Translator(language_of(request))
                errors, general = row_errors(exc.details, paths)
                errors = {key: [t.service_message(m) for m in messages] for key, messages in errors.items()}
                general = [t.service_message(m) for m in general] or (
                    [] if errors else [t.service_message(exc.message)]
                )
                status = 422
        kept = [(name, value) for name, value in args.items(multi=True) if name != "cursor"]
        next_url = None
        if page and page.get("next_cursor"):
            next_url = "/contacts/advanced?" + urlencode([*kept, ("cursor", page["next_cursor"])])
        first_url = "/contacts/advanced?" + urlencode(kept) if args.get("cursor") else None
        return self.web_render(
            request,
            principal,
            "advanced_search/page.html",
            status=status,
            state=state,
            fields=FIELDS,
            sorts=SORTS,
            page=page,
            count=count,
            errors=errors,
            general_errors=general,
            next_url=next_url,
            first_url=first_url,
        )
