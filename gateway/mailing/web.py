"""Web pages of mailing (M1, M5): /mailing (the lists and a form for a new one), /mailing/<id> (who of the
source is mailed now, who is left out per reason, the syncs, a button that starts one, the webhook
alert), /mailing/<id>/excluded?reason= (those left out for one reason) and /mailing/mails (the message log
of transactional mails: recipient, subject, status and times, filtered by status, a page at a time, each
invoice mail linked to its invoice; an audited read of the recipients). All need mail.send."""

from gateway.core import GatewayCore
from gateway.http import http
from gateway.i18n import Translator
from gateway.roles import MAIL_SEND
from gateway.web_helpers import FieldMessage, language_of, require_csrf, see_other, web_page
from piiri.errors import Conflict, ValidationFailed
from services.contacts.mailing_audience.contract import CUSTOM_PREFIX, MAIL_FIELDS, REASONS
from services.mailing.contract import MAIL_STATUSES, MAILING_REASONS, errors

SHOWN_REASONS = (*REASONS, *MAILING_REASONS, "erased")
EXCLUDED_PAGE = 100
MAILS_PAGE = 50
SHOWN_MAIL_STATUSES = tuple(status for status in MAIL_STATUSES if status != "sending")  # sending: queued


def list_form_data(form):
    """The new-list form -> create_list's input."""
    kind = form.get("source_kind", "")
    return {
        "name": form.get("name", ""),
        "purpose": form.get("purpose", ""),
        "source_kind": kind,
        "source_id": form.get("group_id" if kind == "group" else "saved_search_id", "") or None,
        "include_subgroups": form.get("include_subgroups") == "on",
        "fields": [
            part.strip() for value in form.getlist("fields") for part in value.split(",") if part.strip()
        ],
    }


def purpose_label(purpose, language):
    """A processing purpose's name in the reader's language (the purposes have Finnish and English)."""
    return purpose.get("label_en" if language == "en" else "label_fi") or purpose["code"]


def error_messages(exc, t):
    """A ValidationFailed/Conflict of the mailing service as messages in the user's language."""
    messages = [
        FieldMessage(t.service_message(entry), name)
        for name, entries in (exc.details or {}).items()
        if isinstance(entries, list)
        for entry in entries
    ]
    return messages or [FieldMessage(t.service_message(exc.message))]


def webhook_notice(conflict):
    """The list page's notice for a webhook that could not be switched on again: none made yet (sync
    first), or deleted at Campaign Monitor with no public address to make one anew (M5)."""
    return "no_address" if conflict.message == errors.WEBHOOK_NO_ADDRESS else "no_webhook"


class MailingWebRoutes(GatewayCore):
    def mailing_purposes(self, principal):
        """The processing purposes (G1), or none for a user who may not see the contacts service's."""
        return self.call("contacts", "list_processing_purposes") if principal.can("contacts.view") else []

    def mailing_field_choices(self, principal, t):
        """(value, label) of every field a list may sync: the contact fields, then the custom fields."""
        choices = [(name, t(f"field.{name}")) for name in MAIL_FIELDS]
        if principal.can("contacts.view"):
            for field in self.call("contacts", "list_custom_fields")["items"]:
                label = field.get("label_en" if t.language == "en" else "label_fi") or field["key"]
                choices.append((CUSTOM_PREFIX + field["key"], label))
        return choices

    def web_mailing_lists_page(self, request, principal, status=200, errors=None, form=None):
        t = Translator(language_of(request))
        purposes = self.mailing_purposes(principal)
        return self.web_render(
            request,
            principal,
            "mailing/lists.html",
            status=status,
            lists=self.call("mailing", "list_lists")["items"],
            purpose_names={purpose["code"]: purpose_label(purpose, t.language) for purpose in purposes},
            field_choices=self.mailing_field_choices(principal, t),
            groups=self.call("contacts", "list_groups", compact=True, counts=False)["items"]
            if principal.can("contacts.view")
            else [],
            saved_searches=self.call("contacts", "list_saved_searches")["items"]
            if principal.can("contacts.view")
            else [],
            purposes=[(purpose["code"], purpose_label(purpose, t.language)) for purpose in purposes],
            errors=errors or [],
            form=form or {"include_subgroups": True},
        )

    @http("GET", "/mailing")
    @web_page
    def web_mailing_lists(self, request):
        principal = self.web_principal(request, MAIL_SEND)
        return self.web_mailing_lists_page(request, principal)

    @http("POST", "/mailing")
    @web_page
    def web_mailing_create(self, request):
        principal = self.web_principal(request, MAIL_SEND)
        require_csrf(request, principal)
        data = list_form_data(request.form)
        try:
            created = self.call("mailing", "create_list", data)
        except (ValidationFailed, Conflict) as exc:
            t = Translator(language_of(request))
            form = dict(data)
            return self.web_mailing_lists_page(request, principal, 422, error_messages(exc, t), form)
        return see_other(f"/mailing/{created['id']}")

    @http("GET", "/mailing/mails")
    @web_page
    def web_mailing_mails(self, request):
        """B3: the transactional mails' message log (?status=, ?page=): the mailing service's list_mails,
        which audits the read of every recipient shown (mailing.mails_read)."""
        principal = self.web_principal(request, MAIL_SEND)
        status = request.args.get("status") or None
        if status not in (None, *SHOWN_MAIL_STATUSES):
            status = None
        page = request.args.get("page", "1")
        page = int(page) if page.isdigit() and 0 < int(page) <= 10_000 else 1
        found = self.call("mailing", "list_mails", None, status, MAILS_PAGE, (page - 1) * MAILS_PAGE)
        return self.web_render(
            request,
            principal,
            "mailing/mails.html",
            mails=found["items"],
            more=found.get("more", False),
            page=page,
            status_filter=status,
            statuses=SHOWN_MAIL_STATUSES,
            invoice_links=principal.can("invoices.manage"),
        )

    @http("GET", "/mailing/<list_id>")
    @web_page
    def web_mailing_list(self, request, list_id):
        """The list: counts per reason only (the names are on the reason's own page), syncs, alert."""
        principal = self.web_principal(request, MAIL_SEND)
        mailing_list = self.call("mailing", "get_list", list_id)
        audience = self.call("mailing", "audience", list_id, None, None, 1)
        runs = self.call("mailing", "sync_runs", list_id)["items"]
        language = language_of(request)
        purposes = {item["code"]: purpose_label(item, language) for item in self.mailing_purposes(principal)}
        return self.web_render(
            request,
            principal,
            "mailing/list.html",
            mailing_list=mailing_list,
            purpose_name=purposes.get(mailing_list["purpose"], mailing_list["purpose"]),
            total=audience.get("total") or 0,
            reasons=[(reason, (audience.get("reasons") or {}).get(reason, 0)) for reason in SHOWN_REASONS],
            runs=runs,
            notice=request.args.get("notice"),
        )

    @http("GET", "/mailing/<list_id>/excluded")
    @web_page
    def web_mailing_excluded(self, request, list_id):
        principal = self.web_principal(request, MAIL_SEND)
        reason = request.args.get("reason", "")
        mailing_list = self.call("mailing", "get_list", list_id)
        page = self.call(
            "mailing", "audience", list_id, reason, request.args.get("cursor") or None, EXCLUDED_PAGE
        )
        return self.web_render(
            request,
            principal,
            "mailing/excluded.html",
            mailing_list=mailing_list,
            reason=reason,
            items=page["items"],
            next_cursor=page.get("next_cursor"),
        )

    @http("POST", "/mailing/<list_id>/webhook")
    @web_page
    def web_mailing_webhook(self, request, list_id):
        """M5: the alert's button: switch the list's webhook on again at Campaign Monitor."""
        principal = self.web_principal(request, MAIL_SEND)
        require_csrf(request, principal)
        try:
            self.call("mailing", "reactivate_webhook", list_id)
        except Conflict as exc:
            return see_other(f"/mailing/{list_id}?notice={webhook_notice(exc)}")
        return see_other(f"/mailing/{list_id}?notice=webhook_on")

    @http("POST", "/mailing/<list_id>/sync")
    @web_page
    def web_mailing_sync(self, request, list_id):
        principal = self.web_principal(request, MAIL_SEND)
        require_csrf(request, principal)
        try:
            self.call("mailing", "start_sync", list_id)
        except Conflict:
            return see_other(f"/mailing/{list_id}?notice=running")
        return see_other(f"/mailing/{list_id}?notice=started")
