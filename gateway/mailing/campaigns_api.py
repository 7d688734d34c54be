"""/api/v1/mail-templates and /api/v1/campaigns (M1, M2, M4) with their OpenAPI declarations, and the
public content URLs Campaign Monitor fetches a campaign's HTML and text from. All but the content need
mail.send; the content is authenticated by the campaign's secret in its URL."""

from werkzeug.wrappers import Response

from gateway.base import int_arg, json_body
from gateway.core import GatewayCore
from gateway.http import http, json_response
from gateway.mailing import schemas
from gateway.openapi import api_operation, file_response
from gateway.roles import MAIL_SEND
from piiri.context import SYSTEM

CONTENT_TYPES = {"html": "text/html; charset=utf-8", "text": "text/plain; charset=utf-8"}


class CampaignsApiRoutes(GatewayCore):
    # --- templates (M2) -----------------------------------------------------------------------------------

    @api_operation(
        "Mail templates (M2) and the merge fields they may use",
        permission=MAIL_SEND,
        responses={200: schemas.MailTemplateList},
        errors=(403,),
    )
    @http("GET", "/api/v1/mail-templates")
    def api_mail_templates(self, request):
        self.api_principal(request, MAIL_SEND)
        return json_response(self.call("mailing", "list_templates"))

    @api_operation(
        (
            "A mail template (M2): subject, MJML body and plain-text part with merge fields in a sandboxed "
            "template language. A template with errors is refused (422 mailing.template_invalid) with each "
            "problem's part, line and field"
        ),
        permission=MAIL_SEND,
        body=schemas.MailTemplateInput,
        responses={201: (schemas.MailTemplate, "Created")},
        errors=(403, 409, 422),
    )
    @http("POST", "/api/v1/mail-templates")
    def api_mail_templates_create(self, request):
        self.api_principal(request, MAIL_SEND)
        created = self.call("mailing", "create_template", json_body(request))
        return json_response(
            created, status=201, headers={"Location": f"/api/v1/mail-templates/{created['id']}"}
        )

    @api_operation(
        "Check a template without saving it: rendered with sample values, or 422 with its problems",
        permission=MAIL_SEND,
        body=schemas.MailTemplateInput,
        responses={200: schemas.Rendered},
        errors=(403, 422),
    )
    @http("POST", "/api/v1/mail-templates:check")
    def api_mail_templates_check(self, request):
        self.api_principal(request, MAIL_SEND)
        return json_response(self.call("mailing", "check_template", json_body(request)))

    @api_operation(
        "One mail template", permission=MAIL_SEND, responses={200: schemas.MailTemplate}, errors=(403, 404)
    )
    @http("GET", "/api/v1/mail-templates/<template_id>")
    def api_mail_template(self, request, template_id):
        self.api_principal(request, MAIL_SEND)
        return json_response(self.call("mailing", "get_template", template_id))

    @api_operation(
        "Change a mail template (campaigns made from it keep their copy); refused with its problems",
        permission=MAIL_SEND,
        body=schemas.MailTemplateInput,
        responses={200: schemas.MailTemplate},
        errors=(403, 404, 409, 422),
    )
    @http("PATCH", "/api/v1/mail-templates/<template_id>")
    def api_mail_template_update(self, request, template_id):
        self.api_principal(request, MAIL_SEND)
        return json_response(self.call("mailing", "update_template", template_id, json_body(request)))

    @api_operation(
        "Archive a mail template",
        permission=MAIL_SEND,
        responses={200: schemas.MailTemplate},
        errors=(403, 404),
    )
    @http("POST", "/api/v1/mail-templates/<template_id>:archive")
    def api_mail_template_archive(self, request, template_id):
        self.api_principal(request, MAIL_SEND)
        return json_response(self.call("mailing", "archive_template", template_id))

    @api_operation(
        "A template rendered for a contact (an audited read of them) or the sample values",
        permission=MAIL_SEND,
        query=schemas.PreviewQuery,
        responses={200: schemas.Rendered},
        errors=(403, 404, 422),
    )
    @http("GET", "/api/v1/mail-templates/<template_id>/preview")
    def api_mail_template_preview(self, request, template_id):
        self.api_principal(request, MAIL_SEND)
        contact_id = request.args.get("contact_id") or None
        return json_response(self.call("mailing", "preview_template", template_id, contact_id))

    # --- campaigns (M1, M4) -------------------------------------------------------------------------------

    @api_operation(
        "Campaigns, newest first", permission=MAIL_SEND, responses={200: schemas.CampaignList}, errors=(403,)
    )
    @http("GET", "/api/v1/campaigns")
    def api_campaigns(self, request):
        self.api_principal(request, MAIL_SEND)
        return json_response(self.call("mailing", "list_campaigns"))

    @api_operation(
        (
            "A campaign (M1) from a template for one or more mailing lists; the template's parts are copied. "
            "Unknown template or list: 404; errors per field: 422; a name in use: 409"
        ),
        permission=MAIL_SEND,
        body=schemas.CampaignInput,
        responses={201: (schemas.Campaign, "Created")},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/campaigns")
    def api_campaigns_create(self, request):
        self.api_principal(request, MAIL_SEND)
        created = self.call("mailing", "create_campaign", json_body(request))
        return json_response(created, status=201, headers={"Location": f"/api/v1/campaigns/{created['id']}"})

    @api_operation(
        "One campaign: status, lists, recipients once sent, the last report (M4)",
        permission=MAIL_SEND,
        responses={200: schemas.Campaign},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/campaigns/<campaign_id>")
    def api_campaign(self, request, campaign_id):
        self.api_principal(request, MAIL_SEND)
        return json_response(self.call("mailing", "get_campaign", campaign_id))

    @api_operation(
        "The campaign rendered for a contact (an audited read of them) or the sample values",
        permission=MAIL_SEND,
        query=schemas.PreviewQuery,
        responses={200: schemas.Rendered},
        errors=(403, 404, 422),
    )
    @http("GET", "/api/v1/campaigns/<campaign_id>/preview")
    def api_campaign_preview(self, request, campaign_id):
        self.api_principal(request, MAIL_SEND)
        contact_id = request.args.get("contact_id") or None
        return json_response(self.call("mailing", "preview_campaign", campaign_id, contact_id))

    @api_operation(
        (
            "A test send through Campaign Monitor to 1-15 addresses; a 16th, or an invalid address (named in "
            "the error), is 422; Campaign Monitor down: 503, safe to retry"
        ),
        permission=MAIL_SEND,
        body=schemas.TestSend,
        responses={200: schemas.TestSendResult},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/campaigns/<campaign_id>/tests")
    def api_campaign_test(self, request, campaign_id):
        self.api_principal(request, MAIL_SEND)
        body = json_body(request)
        addresses = body.get("addresses") if isinstance(body, dict) else None
        return json_response(self.call("mailing", "send_test", campaign_id, addresses))

    @api_operation(
        (
            "Send the campaign now or at `send_at`: the lists' audiences are re-evaluated and synced, then a "
            "mailing worker freezes the recipient ledger and has Campaign Monitor send. Idempotent: a "
            "campaign already on its way is answered as it is"
        ),
        permission=MAIL_SEND,
        body=schemas.SendInput,
        responses={202: (schemas.Campaign, "Accepted")},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/campaigns/<campaign_id>:send")
    def api_campaign_send(self, request, campaign_id):
        self.api_principal(request, MAIL_SEND)
        body = json_body(request) if request.get_data() else {}
        send_at = body.get("send_at") if isinstance(body, dict) else None
        return json_response(self.call("mailing", "send_campaign", campaign_id, send_at), status=202)

    @api_operation(
        "Unschedule a scheduled campaign (it becomes a draft); one not scheduled: 409",
        permission=MAIL_SEND,
        responses={200: schemas.Campaign},
        errors=(403, 404, 409),
    )
    @http("POST", "/api/v1/campaigns/<campaign_id>:unschedule")
    def api_campaign_unschedule(self, request, campaign_id):
        self.api_principal(request, MAIL_SEND)
        return json_response(self.call("mailing", "unschedule_campaign", campaign_id))

    @api_operation(
        "Who the campaign was sent to: the ledger frozen at send time (an audited read)",
        permission=MAIL_SEND,
        responses={200: schemas.CampaignRecipients},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/campaigns/<campaign_id>/recipients")
    def api_campaign_recipients(self, request, campaign_id):
        self.api_principal(request, MAIL_SEND)
        limit, offset = int_arg(request.args, "limit", 100), int_arg(request.args, "offset", 0)
        return json_response(self.call("mailing", "campaign_recipients", campaign_id, limit, offset))

    @api_operation(
        (
            "M4: pull the campaign's report from Campaign Monitor now (recipients, opens unique/total, "
            "clicks per link, unsubscribes, bounces hard/soft, spam complaints)"
        ),
        permission=MAIL_SEND,
        responses={200: schemas.Campaign},
        errors=(403, 404, 409),
    )
    @http("POST", "/api/v1/campaigns/<campaign_id>/report")
    def api_campaign_report(self, request, campaign_id):
        self.api_principal(request, MAIL_SEND)
        return json_response(self.call("mailing", "refresh_campaign_report", campaign_id))

    @api_operation(
        "The campaigns sent to a contact, newest first (their mailing timeline; an audited read)",
        permission=MAIL_SEND,
        responses={200: schemas.ContactCampaigns},
        errors=(403, 422),
    )
    @http("GET", "/api/v1/mailing/contacts/<contact_id>/campaigns")
    def api_contact_campaigns(self, request, contact_id):
        self.api_principal(request, MAIL_SEND)
        return json_response(self.call("mailing", "contact_campaigns", contact_id))

    def campaign_content_response(self, campaign_id, secret, kind):
        self.context.act_as(SYSTEM)
        body = self.call("mailing", "campaign_content", campaign_id, secret, kind)
        response = Response(body, status=200, content_type=CONTENT_TYPES[kind])
        response.headers["Cache-Control"] = "no-store"
        return response

    @api_operation(
        (
            "A campaign's HTML as Campaign Monitor fetches it (HtmlUrl), with its personalisation tags; the "
            "secret in the URL is the campaign's: else 404"
        ),
        public=True,
        responses={200: file_response("text/html")},
        errors=(404,),
    )
    @http("GET", "/api/v1/mailing/campaign-content/<campaign_id>/<secret>.html")
    def api_campaign_content_html(self, request, campaign_id, secret):
        return self.campaign_content_response(campaign_id, secret, "html")

    @api_operation(
        "A campaign's plain text as Campaign Monitor fetches it (TextUrl); a wrong secret: 404",
        public=True,
        responses={200: file_response("text/plain")},
        errors=(404,),
    )
    @http("GET", "/api/v1/mailing/campaign-content/<campaign_id>/<secret>.txt")
    def api_campaign_content_text(self, request, campaign_id, secret):
        return self.campaign_content_response(campaign_id, secret, "text")
