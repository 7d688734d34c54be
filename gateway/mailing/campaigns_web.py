"""Web pages of mail templates (M2) and campaigns (M1, M4), all needing mail.send:

/mailing/templates (the templates), /mailing/templates/new and /mailing/templates/<id> (the form: name,
subject, MJML body, text part, the merge fields; a refused save lists each problem with its line and
field; a saved template shows its preview at desktop and phone width, and can be archived),
/mailing/campaigns (the campaigns and a form for a new one), /mailing/campaigns/<id> (a contact to
preview for, the preview at 600 and 375 px, a test send, send now or at a time, unschedule, the report
with a button that pulls it from Campaign Monitor, who it was sent to) and the preview documents the
iframes show (their own strict CSP: no scripts, inline styles only, framed by Piiri's pages only). The
contact page's Postitukset card (contact_web.py) lists the campaigns sent to the person.
"""

from datetime import datetime

from gateway import person_picker
from gateway.core import GatewayCore
from gateway.http import http
from gateway.i18n import Translator
from gateway.mailing.web import error_messages
from gateway.roles import MAIL_SEND
from gateway.web_helpers import html_response, language_of, require_csrf, see_other, web_page
from piiri import clock
from piiri.errors import Conflict, NotFound, ServiceUnavailable, ValidationFailed
from services.mailing.contract import MERGE_FIELDS

PREVIEW_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; font-src https:; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)
STARTER_MJML = """<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text font-size="20px">Hei {{ first_name }}!</mj-text>
        <mj-text>…</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""
REFUSED = (ValidationFailed, Conflict, NotFound)
RECIPIENTS_PAGE = 500


def local_time(value):
    """A datetime-local input (the organisation's time zone, piiri.clock) as ISO 8601 with its offset; text
    that is no time, or none, goes as text the service refuses with a clear error (never "send now")."""
    value = (value or "").strip() or "-"
    try:
        return datetime.fromisoformat(value).replace(tzinfo=clock.timezone()).isoformat()
    except ValueError:
        return value


def template_form_data(form):
    return {name: form.get(name, "") for name in ("name", "subject", "mjml", "text")}


def preview_document(html):
    response = html_response(html)
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


class CampaignsWebRoutes(GatewayCore):
    # --- templates (M2) -----------------------------------------------------------------------------------

    @http("GET", "/mailing/templates")
    @web_page
    def web_mail_templates(self, request):
        principal = self.web_principal(request, MAIL_SEND)
        found = self.call("mailing", "list_templates")
        return self.web_render(
            request,
            principal,
            "mailing/templates.html",
            templates=found["items"],
            notice=request.args.get("notice"),
        )

    def web_template_form(self, request, principal, template=None, form=None, errors=(), status=200):
        return self.web_render(
            request,
            principal,
            "mailing/template_form.html",
            status=status,
            mail_template=template,
            form=form or template or {"mjml": STARTER_MJML, "subject": "", "text": "Hei {{ first_name }}!\n"},
            merge_fields=MERGE_FIELDS,
            errors=list(errors),
            notice=request.args.get("notice"),
        )

    @http("GET", "/mailing/templates/new")
    @web_page
    def web_mail_template_new(self, request):
        principal = self.web_principal(request, MAIL_SEND)
        return self.web_template_form(request, principal)

    @http("POST", "/mailing/templates")
    @web_page
    def web_mail_template_create(self, request):
        principal = self.web_principal(request, MAIL_SEND)
        require_csrf(request, principal)
        data = template_form_data(request.form)
        try:
            created = self.call("mailing", "create_template", data)
        except REFUSED as exc:
            t = Translator(language_of(request))
            return self.web_template_form(request, principal, None, data, error_messages(exc, t), 422)
        return see_other(f"/mailing/templates/{created['id']}?notice=saved")

    @http("GET", "/mailing/templates/<template_id>")
    @web_page
    def web_mail_template(self, request, template_id):
        principal = self.web_principal(request, MAIL_SEND)
        return self.web_template_form(request, principal, self.call("mailing", "get_template", template_id))

    @http("POST", "/mailing/templates/<template_id>")
    @web_page
    def web_mail_template_update(self, request, template_id):
        principal = self.web_principal(request, MAIL_SEND)
        require_csrf(request, principal)
        data = template_form_data(request.form)
        try:
            self.call("mailing", "update_template", template_id, data)
        except REFUSED as exc:
            t = Translator(language_of(request))
            template = self.call("mailing", "get_template", template_id)
            return self.web_template_form(request, principal, template, data, error_messages(exc, t), 422)
        return see_other(f"/mailing/templates/{template_id}?notice=saved")

    @http("POST", "/mailing/templates/<template_id>/archive")
    @web_page
    def web_mail_template_archive(self, request, template_id):
        """Archive a template: it leaves the list and new campaigns; campaigns made of it keep their copy."""
        principal = self.web_principal(request, MAIL_SEND)
        require_csrf(request, principal)
        self.call("mailing", "archive_template", template_id)
        return see_other("/mailing/templates?notice=archived")

    @http("GET", "/mailing/templates/<template_id>/preview")
    @web_page
    def web_mail_template_preview(self, request, template_id):
        self.web_principal(request, MAIL_SEND)
        return preview_document(self.call("mailing", "preview_template", template_id, None)["html"])

    # --- campaigns (M1, M4) -------------------------------------------------------------------------------

    def web_campaigns_page(self, request, principal, form=None, errors=(), status=200):
        return self.web_render(
            request,
            principal,
            "mailing/campaigns.html",
            status=status,
            campaigns=self.call("mailing", "list_campaigns")["items"],
            templates=self.call("mailing", "list_templates")["items"],
            lists=self.call("mailing", "list_lists")["items"],
            form=form or {"list_ids": []},
            errors=list(errors),
        )

    @http("GET", "/mailing/campaigns")
    @web_page
    def web_campaigns(self, request):
        principal = self.web_principal(request, MAIL_SEND)
        return self.web_campaigns_page(request, principal)

    @http("POST", "/mailing/campaigns")
    @web_page
    def web_campaign_create(self, request):
        principal = self.web_principal(request, MAIL_SEND)
        require_csrf(request, principal)
        form = request.form
        data = {
            "name": form.get("name", ""),
            "template_id": form.get("template_id", ""),
            "list_ids": form.getlist("list_ids"),
            "from_name": form.get("from_name", ""),
            "from_email": form.get("from_email", ""),
            "reply_to": form.get("reply_to", ""),
        }
        try:
            created = self.call("mailing", "create_campaign", data)
        except REFUSED as exc:
            t = Translator(language_of(request))
            return self.web_campaigns_page(request, principal, data, error_messages(exc, t), 422)
        return see_other(f"/mailing/campaigns/{created['id']}")

    def web_campaign_page(self, request, principal, campaign_id, errors=(), status=200, notice=None):
        campaign = self.call("mailing", "get_campaign", campaign_id)
        lists = {item["id"]: item["name"] for item in self.call("mailing", "list_lists", True)["items"]}
        form, pick_errors, picks = person_picker.resolve(self, request.args)
        contact_id = form.get("contact_id") or ""
        pick = picks.get("contact_id") or {"id": contact_id}
        if not pick_errors and person_picker.unnamed(pick):  # ?contact_id= or a typed id: show the name
            pick, pick_errors = person_picker.named(self, contact_id, "contact_id")
        errors = list(errors)
        if pick_errors:
            t = Translator(language_of(request))
            errors += error_messages(ValidationFailed("mailing.campaign_invalid", pick_errors), t)
            contact_id = ""
        return self.web_render(
            request,
            principal,
            "mailing/campaign.html",
            status=status,
            campaign=campaign,
            list_names=[lists.get(key, key) for key in campaign["list_ids"]],
            contact_id=contact_id,
            pick=pick,
            errors=errors,
            notice=notice or request.args.get("notice"),
            addresses=request.form.get("addresses", "") if request.method == "POST" else "",
        )

    @http("GET", "/mailing/campaigns/<campaign_id>")
    @web_page
    def web_campaign(self, request, campaign_id):
        principal = self.web_principal(request, MAIL_SEND)
        return self.web_campaign_page(request, principal, campaign_id)

    @http("GET", "/mailing/campaigns/<campaign_id>/preview")
    @web_page
    def web_campaign_preview(self, request, campaign_id):
        """The preview document of an iframe: for the contact chosen (an audited read) or the samples."""
        self.web_principal(request, MAIL_SEND)
        contact_id = request.args.get("contact_id") or None
        return preview_document(self.call("mailing", "preview_campaign", campaign_id, contact_id)["html"])

    def web_campaign_action(self, request, campaign_id, act):
        principal = self.web_principal(request, MAIL_SEND)
        require_csrf(request, principal)
        try:
            notice = act()
        except (*REFUSED, ServiceUnavailable) as exc:
            t = Translator(language_of(request))
            status = 503 if isinstance(exc, ServiceUnavailable) else 422
            return self.web_campaign_page(request, principal, campaign_id, error_messages(exc, t), status)
        return see_other(f"/mailing/campaigns/{campaign_id}?notice={notice}")

    @http("POST", "/mailing/campaigns/<campaign_id>/test")
    @web_page
    def web_campaign_test(self, request, campaign_id):
        def act():
            self.call("mailing", "send_test", campaign_id, request.form.get("addresses", ""))
            return "tested"

        return self.web_campaign_action(request, campaign_id, act)

    @http("POST", "/mailing/campaigns/<campaign_id>/send")
    @web_page
    def web_campaign_send(self, request, campaign_id):
        def act():
            when = local_time(request.form.get("send_at")) if request.form.get("when") == "later" else None
            self.call("mailing", "send_campaign", campaign_id, when)
            return "scheduled" if when else "sending"

        return self.web_campaign_action(request, campaign_id, act)

    @http("POST", "/mailing/campaigns/<campaign_id>/unschedule")
    @web_page
    def web_campaign_unschedule(self, request, campaign_id):
        def act():
            self.call("mailing", "unschedule_campaign", campaign_id)
            return "unscheduled"

        return self.web_campaign_action(request, campaign_id, act)

    @http("POST", "/mailing/campaigns/<campaign_id>/report")
    @web_page
    def web_campaign_report(self, request, campaign_id):
        def act():
            self.call("mailing", "refresh_campaign_report", campaign_id)
            return "reported"

        return self.web_campaign_action(request, campaign_id, act)

    @http("GET", "/mailing/campaigns/<campaign_id>/recipients")
    @web_page
    def web_campaign_recipients(self, request, campaign_id):
        """Who the campaign was sent to (the ledger): an audited read."""
        principal = self.web_principal(request, MAIL_SEND)
        campaign = self.call("mailing", "get_campaign", campaign_id)
        try:
            offset = max(int(request.args.get("offset") or 0), 0)
        except ValueError:
            offset = 0
        page = self.call("mailing", "campaign_recipients", campaign_id, RECIPIENTS_PAGE, offset)
        more = offset + len(page["items"]) < (page["total"] or 0)
        return self.web_render(
            request,
            principal,
            "mailing/recipients.html",
            campaign=campaign,
            items=page["items"],
            next_offset=offset + RECIPIENTS_PAGE if more else None,
        )
