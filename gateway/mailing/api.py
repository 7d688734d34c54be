"""/api/v1/mailing-lists, /api/v1/mailing-syncs, /api/v1/mailing-flags and Campaign Monitor's webhook
(M1, M5), with their OpenAPI declarations. Lists, audiences and syncs need mail.send; the webhook is
public and authenticated by the list's secret in its URL (Campaign Monitor signs nothing)."""

import base64

from gateway.base import int_arg, json_body
from gateway.core import GatewayCore
from gateway.http import http, json_response
from gateway.mailing import schemas
from gateway.openapi import api_operation
from gateway.request_guard import PayloadTooLarge
from gateway.roles import MAIL_SEND, VIEW
from piiri.context import SYSTEM
from piiri.errors import ValidationFailed

MAX_FLAG_IDS = 200
MAX_DSN_BYTES = 1024 * 1024
DSN_TOO_LARGE = "mailing.dsn_too_large"


class MailingApiRoutes(GatewayCore):
    @api_operation(
        "Mailing lists with their last sync (M1)",
        permission=MAIL_SEND,
        responses={200: schemas.MailingListList},
        errors=(403,),
    )
    @http("GET", "/api/v1/mailing-lists")
    def api_mailing_lists(self, request):
        self.api_principal(request, MAIL_SEND)
        return json_response(self.call("mailing", "list_lists", request.args.get("archived") == "true"))

    @api_operation(
        (
            "A mailing list that follows a group (with or without subgroups) or a saved search, gated by a "
            "processing purpose (G1); `fields` are synced as Campaign Monitor custom fields. Errors are "
            "codes per field (mailing.*): 422; a name in use: 409"
        ),
        permission=MAIL_SEND,
        body=schemas.MailingListInput,
        responses={201: (schemas.MailingList, "Created")},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/mailing-lists")
    def api_mailing_lists_create(self, request):
        self.api_principal(request, MAIL_SEND)
        created = self.call("mailing", "create_list", json_body(request))
        return json_response(
            created, status=201, headers={"Location": f"/api/v1/mailing-lists/{created['id']}"}
        )

    @api_operation(
        "One mailing list: its Campaign Monitor list, fields, webhook state, members per state, last sync",
        permission=MAIL_SEND,
        responses={200: schemas.MailingList},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/mailing-lists/<list_id>")
    def api_mailing_list(self, request, list_id):
        self.api_principal(request, MAIL_SEND)
        return json_response(self.call("mailing", "get_list", list_id))

    @api_operation(
        "Change a mailing list (its members follow at the next sync); you become the list's actor",
        permission=MAIL_SEND,
        body=schemas.MailingListInput,
        responses={200: schemas.MailingList},
        errors=(403, 404, 409, 422),
    )
    @http("PATCH", "/api/v1/mailing-lists/<list_id>")
    def api_mailing_list_update(self, request, list_id):
        self.api_principal(request, MAIL_SEND)
        return json_response(self.call("mailing", "update_list", list_id, json_body(request)))

    @api_operation(
        "Archive a mailing list: it is no longer synced (its Campaign Monitor list stays)",
        permission=MAIL_SEND,
        responses={200: schemas.MailingList},
        errors=(403, 404),
    )
    @http("POST", "/api/v1/mailing-lists/<list_id>:archive")
    def api_mailing_list_archive(self, request, list_id):
        self.api_principal(request, MAIL_SEND)
        return json_response(self.call("mailing", "archive_list", list_id))

    @api_operation(
        (
            "Who of the list's source may be mailed now and who is left out and why (M1): the first page "
            "counts the reasons; `reason` lists those left out for it (audited reads)"
        ),
        permission=MAIL_SEND,
        query=schemas.AudienceQuery,
        responses={200: schemas.Audience},
        errors=(403, 404, 422),
    )
    @http("GET", "/api/v1/mailing-lists/<list_id>/audience")
    def api_mailing_list_audience(self, request, list_id):
        self.api_principal(request, MAIL_SEND)
        reason = request.args.get("reason") or None
        page = self.call(
            "mailing",
            "audience",
            list_id,
            reason,
            request.args.get("cursor") or None,
            int_arg(request.args, "limit", 50),
        )
        return json_response(page)

    @api_operation(
        "Start a full sync to Campaign Monitor (run by a mailing worker); 409 while one is queued or running",
        permission=MAIL_SEND,
        responses={202: (schemas.SyncRun, "Queued")},
        errors=(403, 404, 409),
    )
    @http("POST", "/api/v1/mailing-lists/<list_id>/syncs")
    def api_mailing_list_sync(self, request, list_id):
        self.api_principal(request, MAIL_SEND)
        run = self.call("mailing", "start_sync", list_id)
        return json_response(run, status=202, headers={"Location": f"/api/v1/mailing-syncs/{run['id']}"})

    @api_operation(
        "Switch the list's webhook on again at Campaign Monitor after it switched it off (M5); the alert "
        "goes. 409 `mailing.webhook_none` before the first sync made one, 409 `mailing.webhook_no_address` "
        "when Campaign Monitor deleted it and MAILING_WEBHOOK_BASE_URL is not set; 503 when Campaign "
        "Monitor is down",
        permission=MAIL_SEND,
        responses={200: schemas.MailingList},
        errors=(403, 404, 409, 503),
    )
    @http("POST", "/api/v1/mailing-lists/<list_id>/webhook")
    def api_mailing_list_webhook(self, request, list_id):
        self.api_principal(request, MAIL_SEND)
        return json_response(self.call("mailing", "reactivate_webhook", list_id))

    @api_operation(
        "The list's sync runs, newest first (full ones and those queued by contact changes)",
        permission=MAIL_SEND,
        responses={200: schemas.SyncRunList},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/mailing-lists/<list_id>/syncs")
    def api_mailing_list_syncs(self, request, list_id):
        self.api_principal(request, MAIL_SEND)
        return json_response(self.call("mailing", "sync_runs", list_id))

    @api_operation(
        "One sync run: status, counts, error code, and the rows refused (contact id, code, field)",
        permission=MAIL_SEND,
        responses={200: schemas.SyncRunDetails},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/mailing-syncs/<run_id>")
    def api_mailing_sync(self, request, run_id):
        self.api_principal(request, MAIL_SEND)
        return json_response(self.call("mailing", "sync_run", run_id))

    @api_operation(
        "Bounce and unsubscribe flags of contacts (M5): {contact id: [{kind, since, list_id}]} (audited)",
        permission=VIEW,
        query=schemas.ContactFlagsQuery,
        responses={200: "Flags by contact id"},
        errors=(403, 422),
    )
    @http("GET", "/api/v1/mailing-flags")
    def api_mailing_flags(self, request):
        self.api_principal(request, VIEW)
        ids = [part.strip() for part in (request.args.get("ids") or "").split(",") if part.strip()]
        if not ids or len(ids) > MAX_FLAG_IDS:
            raise ValidationFailed(
                "mailing.ids_invalid",
                {"ids": [{"code": "mailing.ids_invalid", "params": {"max": MAX_FLAG_IDS}}]},
            )
        return json_response(self.call("mailing", "flags_of", ids))

    @api_operation(
        (
            "Campaign Monitor's webhook of a list (M5): Deactivate events, each confirmed through the API "
            "before the contact is flagged. An unknown secret: 403; a malformed body: 400"
        ),
        public=True,
        responses={200: schemas.WebhookResult},
        errors=(400, 403),
    )
    @http("POST", "/api/v1/mailing/webhooks/<list_id>/<secret>")
    def api_mailing_webhook(self, request, list_id, secret):
        self.context.act_as(SYSTEM)
        body = request.get_data(as_text=True)
        return json_response(self.call("mailing", "receive_webhook", list_id, secret, body))

    @api_operation(
        (
            "B3: the message log of transactional mails (recipient, subject, status, times), of one contact "
            "(contact_id) or the latest, optionally of one status, a page of limit after offset (more: "
            "whether a next page has mails): an audited read"
        ),
        permission=MAIL_SEND,
        responses={200: schemas.MailList},
        errors=(403, 422),
    )
    @http("GET", "/api/v1/mailing/mails")
    def api_mailing_mails(self, request):
        self.api_principal(request, MAIL_SEND)
        limit = int_arg(request.args, "limit", 50)
        found = self.call(
            "mailing",
            "list_mails",
            request.args.get("contact_id") or None,
            request.args.get("status") or None,
            limit,
            int_arg(request.args, "offset", 0),
        )
        return json_response(found)

    @api_operation(
        (
            "B3: the bounce webhook: a delivery status notification (RFC 3464 multipart/report, the raw "
            "message as the body) that the mail system returned to the VERP address bounce+<mail id>@…; each "
            "permanent failure marks its mail bounced and flags the contact (M5). The secret in the URL is "
            "MAILING_DSN_SECRET: a wrong one 403; not a DSN 400/422; at most 1 MiB"
        ),
        public=True,
        responses={200: schemas.DsnResult},
        errors=(400, 403, 413, 422),
    )
    @http("POST", "/api/v1/mailing/bounces/<secret>")
    def api_mailing_bounce(self, request, secret):
        self.context.act_as(SYSTEM)
        too_large = PayloadTooLarge(DSN_TOO_LARGE, {"_body": [DSN_TOO_LARGE]}, {"kb": MAX_DSN_BYTES // 1024})
        if (request.content_length or 0) > MAX_DSN_BYTES:
            raise too_large
        raw = request.stream.read(MAX_DSN_BYTES + 1)
        if len(raw) > MAX_DSN_BYTES:
            raise too_large
        message = base64.b64encode(raw).decode("ascii")
        return json_response(self.call("mailing", "receive_dsn", secret, message))
