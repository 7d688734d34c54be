"""Web pages of round birthdays (C13): the admin's settings page (/settings/birthdays); the upcoming round
birthdays are a card of the dashboard (gateway/dashboard)."""

from gateway.core import GatewayCore
from gateway.http import http
from gateway.i18n import Translator
from gateway.roles import MANAGE_USERS
from gateway.web_helpers import language_of, require_csrf, see_other, web_page
from piiri.errors import PiiriError, ValidationFailed

SETTINGS_PATH = "/settings/birthdays"
IMPORTANT_KINDS = ("everyone", "group", "saved_search", "keep")


def parse_age_list(text):
    """'50, 60,70' -> [50, 60, 70]; a piece that is no number stays text so the service names it."""
    pieces = [piece.strip() for piece in (text or "").replace(";", ",").split(",")]
    return [int(piece) if piece.isdigit() else piece for piece in pieces if piece]


def number_or_text(value):
    value = (value or "").strip()
    return int(value) if value.isdigit() else value


def settings_form_data(form, current_filters, saved_searches):
    """The settings form -> update_birthday_settings' input; who is important from the chosen kind."""
    kind = form.get("important", "everyone")
    if kind == "group":
        group_id = form.get("group_id", "").strip()
        filters = {"group_id": group_id} if group_id else None
        if filters is None:
            raise ValidationFailed("bd.err_group", {"group_id": ["bd.err_group"]})
    elif kind == "saved_search":
        chosen = next((s for s in saved_searches if s["id"] == form.get("saved_search_id")), None)
        if chosen is None:
            raise ValidationFailed("bd.err_saved_search", {"saved_search_id": ["bd.err_saved_search"]})
        filters = dict(chosen["filters"])
    elif kind == "keep":
        filters = dict(current_filters)
    else:
        filters = {}
    return {
        "round_ages": parse_age_list(form.get("round_ages")),
        "horizon_days": number_or_text(form.get("horizon_days")),
        "important_filters": filters,
    }


def form_errors(details, t):
    """ValidationFailed details -> {field: [messages in the user's language]} (nested lists flattened)."""
    errors = {}
    for name, messages in (details or {}).items():
        if isinstance(messages, dict):
            messages = [text for value in messages.values() for text in value]
        if isinstance(messages, str):
            messages = [messages]
        field = name.split(".", 1)[0]
        errors.setdefault(field, []).extend(t.service_message(text) for text in messages)
    return errors


class BirthdaysWebRoutes(GatewayCore):
    def _birthdays_choices(self):
        """Groups and saved searches to choose the important people from (when those features answer)."""
        choices = {"groups": [], "saved_searches": []}
        for key, method, kwargs in (
            ("groups", "list_groups", {"counts": False}),
            ("saved_searches", "list_saved_searches", {}),
        ):
            try:
                choices[key] = self.call("contacts", method, **kwargs)["items"]
            except (PiiriError, KeyError, TypeError):
                choices[key] = []
        return choices

    def web_birthdays_settings_page(self, request, principal, form=None, errors=None, status=200):
        settings = self.call("contacts", "get_birthday_settings")
        choices = self._birthdays_choices()
        filters = settings["important_filters"]
        if form is None:
            kind = "everyone" if not filters else "keep"
            if set(filters) == {"group_id"}:
                kind = "group"
            form = {
                "round_ages": ", ".join(str(age) for age in settings["round_ages"]),
                "horizon_days": str(settings["horizon_days"]),
                "important": kind,
                "group_id": filters.get("group_id", ""),
                "saved_search_id": "",
            }
        return self.web_render(
            request,
            principal,
            "birthdays/settings.html",
            status=status,
            settings=settings,
            form=form,
            errors=errors or {},
            groups=choices["groups"],
            saved_searches=choices["saved_searches"],
            saved=request.args.get("saved") == "1",
        )

    @http("GET", SETTINGS_PATH)
    @web_page
    def web_birthdays_settings(self, request):
        principal = self.web_principal(request, MANAGE_USERS)
        return self.web_birthdays_settings_page(request, principal)

    @http("POST", SETTINGS_PATH)
    @web_page
    def web_birthdays_settings_save(self, request):
        principal = self.web_principal(request, MANAGE_USERS)
        require_csrf(request, principal)
        try:
            current = self.call("contacts", "get_birthday_settings")["important_filters"]
            saved_searches = self._birthdays_choices()["saved_searches"]
            data = settings_form_data(request.form, current, saved_searches)
            self.call("contacts", "update_birthday_settings", data)
        except ValidationFailed as exc:
            t = Translator(language_of(request))
            errors = form_errors(exc.details, t) or {"_general": [t.service_message(exc.message, exc.params)]}
            return self.web_birthdays_settings_page(
                request, principal, request.form.to_dict(), errors, status=422
            )
        return see_other(SETTINGS_PATH + "?saved=1")
