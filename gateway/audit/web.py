"""Web pages of the audit log (G2): the organisation-wide search with its CSV download, what one user did,
everything done to one contact, and the hash chain's status for administrators (S2)."""

from urllib.parse import urlencode

from gateway.audit.api import audit_filters, export_csv
from gateway.core import GatewayCore
from gateway.http import http
from gateway.i18n import FALLBACK_LANGUAGE, Translator, messages
from gateway.roles import AUDIT_VIEW, MANAGE_USERS
from gateway.web_helpers import field_errors, language_of, require_csrf, web_page
from piiri.errors import NotFound, ValidationFailed
from services.audit.contract import SEARCH_FILTERS

PAGE_SIZE = 50


def field_label(name, t):
    """A field of an audit record in words (``field.<name>``); an unknown one as it is."""
    return t(f"field.{name}") if t.has(f"field.{name}") else name


def word(prefix, code, t):
    """``code`` in words through ``<prefix>.<code>`` (a subject type, a service); unknown: as it is."""
    return t(f"{prefix}.{code}") if code and t.has(f"{prefix}.{code}") else (code or "")


def event_rows(events, t):
    """Audit events -> what the table shows, in words: the action, subject type, service and fields."""
    rows = []
    for event in events:
        actor = event.get("actor") or {}
        rows.append(
            {
                "when": event.get("occurred_at"),
                "who": actor.get("username") or actor.get("id") or "",
                "actor_id": actor.get("id"),
                "action": t.action(event.get("action", "")),
                "action_code": event.get("action", ""),
                "subject_type": event.get("subject_type") or "",
                "subject_type_label": word("auditlog.subject_type", event.get("subject_type"), t),
                "subject_ids": event.get("subject_ids") or [],
                "service": word("auditlog.service", event.get("service"), t),
                "fields": ", ".join(field_label(name, t) for name in event["fields"]),
                "seq": event.get("chain_seq"),
            }
        )
    return rows


def page_links(path, filters, page, cursor):
    """(older, newest) URLs of a page, keeping the filters."""
    kept = {name: value for name, value in filters.items() if value}
    older = f"{path}?{urlencode({**kept, 'cursor': page['next_cursor']})}" if page["next_cursor"] else None
    newest = f"{path}?{urlencode(kept)}".rstrip("?") if cursor else None
    return older, newest


CHOSEN_FILTERS = {"action": "action", "service": "auditlog.service", "subject_type": "auditlog.subject_type"}


def filter_choices(t):
    """{filter: [(code, its words)]} of the filters chosen from a list (issue 13 item 6): every audit action,
    service and subject type the catalogs name, sorted by their words in the reader's language."""
    known = messages(FALLBACK_LANGUAGE)
    choices = {}
    for name, prefix in CHOSEN_FILTERS.items():
        codes = [key[len(prefix) + 1 :] for key in known if key.startswith(prefix + ".")]
        choices[name] = sorted(
            ((code, t(f"{prefix}.{code}")) for code in codes), key=lambda pair: pair[1].casefold()
        )
    return choices


class AuditWebRoutes(GatewayCore):
    def _audit_page(self, request, principal, template, page, filters, cursor, path, status=200, **context):
        t = Translator(language_of(request))
        older, newest = page_links(path, filters, page, cursor)
        kept = {name: value for name, value in filters.items() if value}
        return self.web_render(
            request, principal, template, status=status, rows=event_rows(page["items"], t), filters=filters,
            filter_names=SEARCH_FILTERS, filter_choices=filter_choices(t), older_url=older, newest_url=newest,
            csv_url=f"/audit/events.csv?{urlencode(kept)}".rstrip("?"),
            can_verify=principal.can(MANAGE_USERS), **context,
        )  # fmt: skip

    @http("GET", "/audit")
    @web_page
    def web_audit_search(self, request):
        principal = self.web_principal(request, AUDIT_VIEW)
        return self._audit_search(request, principal)

    def _audit_search(self, request, principal, chain=None):
        filters = audit_filters(request.args)
        cursor = request.args.get("cursor")
        try:
            page = self.call("audit", "search_events", filters, limit=PAGE_SIZE, cursor=cursor)
        except ValidationFailed as exc:
            by_field, general = field_errors(exc.details, Translator(language_of(request)))
            errors = general + [f"{name}: {text}" for name, texts in by_field.items() for text in texts]
            return self._audit_page(
                request, principal, "audit/search.html", {"items": [], "next_cursor": None}, filters, None,
                "/audit", status=exc.status, errors=errors or [exc.message], chain=chain,
            )  # fmt: skip
        return self._audit_page(
            request, principal, "audit/search.html", page, filters, cursor, "/audit", errors=[], chain=chain
        )

    @http("GET", "/audit/events.csv")
    @web_page
    def web_audit_csv(self, request):
        self.web_principal(request, AUDIT_VIEW)
        return export_csv(self, audit_filters(request.args))

    @http("POST", "/audit/verify")
    @web_page
    def web_audit_verify(self, request):
        principal = self.web_principal(request, AUDIT_VIEW)
        require_csrf(request, principal)
        chain = self.call("audit", "verify_chain", timeout=300)
        return self._audit_search(request, principal, chain=chain)

    @http("GET", "/audit/users/<actor_id>")
    @web_page
    def web_audit_user(self, request, actor_id):
        principal = self.web_principal(request, AUDIT_VIEW)
        cursor = request.args.get("cursor")
        page = self.call("audit", "events_by_actor", actor_id, limit=PAGE_SIZE, cursor=cursor)
        name = next(
            (row["actor"]["username"] for row in page["items"] if row["actor"].get("username")), actor_id
        )
        title = Translator(language_of(request))("auditlog.user_title", name=name)
        return self._audit_page(
            request, principal, "audit/trail.html", page, {}, cursor, f"/audit/users/{actor_id}",
            title=title, intro="auditlog.user_intro", contact_id=None,
        )  # fmt: skip

    @http("GET", "/audit/contacts/<contact_id>")
    @web_page
    def web_audit_contact(self, request, contact_id):
        principal = self.web_principal(request, AUDIT_VIEW)
        cursor = request.args.get("cursor")
        # C6: a scoped user gets a contact's trail only once the contact is visible to them.
        if principal.access.scoped and not self.call("contacts", "contact_exists", contact_id):
            raise NotFound(f"No contact with id {contact_id}.", {"id": contact_id})
        page = self.subject_events(principal, contact_id, PAGE_SIZE, cursor)
        return self._audit_page(
            request, principal, "audit/trail.html", page, {}, cursor, f"/audit/contacts/{contact_id}",
            title=Translator(language_of(request))("auditlog.person_title"), intro="auditlog.person_intro",
            contact_id=contact_id,
        )  # fmt: skip
