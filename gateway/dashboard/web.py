"""The dashboard page (/dashboard), where ``/`` and a successful login land (issue 13 item 2): cards of
contacts and members with their trend, who joined and left this month, imports and exports in progress,
duplicates waiting, erasures pending, my recent changes and the upcoming round birthdays, each a link to
the list behind it; numbers and dates in the user's language (Babel)."""

from datetime import date
from urllib.parse import urlencode

from babel.dates import format_date

from gateway.dashboard.figures import DashboardFigures
from gateway.http import http
from gateway.i18n import Translator
from gateway.roles import MANAGE_USERS
from gateway.web_helpers import language_of, web_page
from piiri import formatting


def day_label(value, language):
    """'2026-12-03' -> '3.12.' (fi, sv) or '3 Dec' (en), by Babel."""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    pattern = "d MMM" if language == "en" else "d.M."
    return format_date(day, pattern, locale=formatting.locale_of(language))


def contact_list(**filters):
    """The contact list with these filters (the list behind a card)."""
    return "/contacts?" + urlencode(filters)


MAX_FIELDS = 4  # changed fields named in a line of "my recent changes"


def sentence(text):
    """'muutti yhteystietoa' -> 'Muutti yhteystietoa' (an action's words start a line of their own)."""
    return text[:1].upper() + text[1:]


def change_rows(events, t):
    """My recent changes in words: when, what (the action and its fields), and the contact's page when
    the change was to one contact."""
    rows = []
    for event in events:
        fields = []
        if event.get("action", "").endswith(("updated", "changed")):  # what changed; a new one's are all
            fields = [t(f"field.{name}") for name in event.get("fields") or [] if t.has(f"field.{name}")]
            fields = fields[:MAX_FIELDS] + (["…"] if len(fields) > MAX_FIELDS else [])
        ids = event.get("subject_ids") or []
        link = None
        if (
            event.get("subject_type") == "contact"
            and len(ids) == 1
            and not event["action"].endswith("deleted")
        ):
            link = f"/contacts/{ids[0]}"
        kind = event.get("subject_type") or ""
        subject = (
            t(f"auditlog.subject_type.{kind}") if kind and t.has(f"auditlog.subject_type.{kind}") else ""
        )
        if kind == "contact" and len(ids) > 1:
            subject = t("dash.contacts_n", n=formatting.format_number(len(ids), t.language))
        rows.append(
            {
                "when": event.get("occurred_at"),
                "what": sentence(t.action(event.get("action", ""))),
                "subject": subject,
                "fields": ", ".join(fields),
                "link": link,
            }
        )
    return rows


class DashboardWebRoutes(DashboardFigures):
    @http("GET", "/dashboard")
    @web_page
    def web_dashboard(self, request):
        principal = self.web_principal(request)
        language = language_of(request)
        figures = self.dashboard_figures(principal)
        birthdays = figures.get("birthdays")
        for item in (birthdays or {}).get("items", []):
            item["day_label"] = day_label(item["birthday"], language)
        changes = figures.get("changes")
        contacts = figures.get("contacts")
        days = (contacts or {}).get("days", {})
        links = {
            "new_short": contact_list(created_from=days["short"]) if days else None,
            "new_long": contact_list(created_from=days["long"]) if days else None,
            "members": contact_list(member="true"),
            "joined": contact_list(joined_from=days["month_start"]) if days else None,
            "left": contact_list(left_from=days["month_start"]) if days else None,
            "my_log": f"/audit/users/{principal.user['id']}",
        }
        return self.web_render(
            request,
            principal,
            "dashboard/dashboard.html",
            cards=figures,
            links=links,
            changes=change_rows(changes["items"], Translator(language)) if changes else None,
            show_erasures=self.erasures_visible(principal),
            can_manage_birthdays=principal.can(MANAGE_USERS),
        )
