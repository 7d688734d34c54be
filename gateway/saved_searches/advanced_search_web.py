"""The advanced-search web page (C4): /contacts/advanced builds an AND/OR/NOT expression from rows of
the form, sorts, pages with cursors and shows the count; it saves the expression as a saved search and
opens a saved one (``?saved=<id>``); everything through the contacts service."""

import json
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from gateway.core import GatewayCore
from gateway.http import http
from gateway.i18n import Translator
from gateway.roles import VIEW
from gateway.saved_searches.advanced_search_form import (
    FIELDS,
    SORTS,
    args_of,
    expression_of,
    expression_text,
    form_state,
    row_errors,
)
from gateway.saved_searches.links import open_url
from gateway.saved_searches.value_words import reader_words
from gateway.web_helpers import language_of, see_other, web_page
from piiri.errors import ValidationFailed


class AdvancedSearchWebRoutes(GatewayCore):
    @http("GET", "/contacts/advanced")
    @web_page
    def web_advanced_search_page(self, request):
        principal = self.web_principal(request, VIEW)
        return self.advanced_search_page(request, principal, request.args)

    def advanced_search_page(self, request, principal, args, status=200, save_errors=None, save_name=""):
        """The page for ``args``; with ``saved=<id>`` a saved advanced search (C4) fills the form (or is
        shown in words when the form cannot hold it) and its results come from run_saved_search."""
        saved = self.call("contacts", "get_saved_search", args["saved"]) if args.get("saved") else None
        if saved is not None and saved.get("expression") is None:
            return see_other(open_url(saved))  # a simple saved search opens on the contact list
        if saved is not None and "combine" not in args:
            form_args = args_of(saved["expression"])
            extra = [(key, args[key]) for key in ("sort", "direction") if args.get(key)]
            if form_args is not None:
                args = MultiDict([*form_args, *extra, ("saved", saved["id"])] + _cursor(args))
        state = form_state(args)
        words = reader_words(self.call, language_of(request))
        problems = words.resolve(state)  # words -> codes (issue 13 item 6)
        expression, paths = expression_of(state)
        from_saved = saved is not None and (expression is None or expression == saved["expression"])
        if from_saved:
            expression = saved["expression"]
        page, count, errors, general = None, None, dict(problems), []
        if problems:
            status = 422
        elif expression is not None:
            try:
                if from_saved:
                    page = self.call(
                        "contacts",
                        "run_saved_search",
                        saved["id"],
                        cursor=args.get("cursor") or None,
                        sort=state["sort"],
                        direction=state["direction"],
                    )
                else:
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
                    [] if errors else [t.service_message(exc.message, exc.params)]
                )
                status = 422
        kept = [(name, value) for name, value in args.items(multi=True) if name != "cursor"]
        next_url = None
        if page and page.get("next_cursor"):
            next_url = "/contacts/advanced?" + urlencode([*kept, ("cursor", page["next_cursor"])])
        first_url = "/contacts/advanced?" + urlencode(kept) if args.get("cursor") else None
        t = Translator(language_of(request))
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
            saved=saved,
            saved_text=expression_text(saved["expression"], t, words) if saved else "",
            value_words=words,
            saved_as_text=saved is not None and args_of(saved["expression"]) is None,
            search_args=urlencode(kept),
            expression_json=json.dumps(expression, ensure_ascii=False) if expression is not None else "",
            save_errors=save_errors or [],
            save_name=save_name,
        )


def _cursor(args):
    return [("cursor", args["cursor"])] if args.get("cursor") else []
