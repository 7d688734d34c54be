"""/api/v1/mailing-lists/<id>/subscription-form (M3): a list's subscription form, its share link and
embeddable snippet, its pending and confirmed counts; switch it on or off and change its consent texts
(a change is a new version). Needs mail.send."""

from gateway.base import json_body
from gateway.core import GatewayCore
from gateway.http import http, json_response
from gateway.openapi import api_operation
from gateway.roles import MAIL_SEND
from gateway.subscribe import schemas
from gateway.subscribe.links import with_addresses


class SubscribeApiRoutes(GatewayCore):
    @api_operation(
        (
            "M3: the list's subscription form (made the first time: off), its hosted page's URL (the share "
            "link), the embeddable HTML snippet, the consent text's version and the counts of pending and "
            "confirmed subscriptions"
        ),
        permission=MAIL_SEND,
        responses={200: schemas.SubscriptionFormSettings},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/mailing-lists/<list_id>/subscription-form")
    def api_subscription_form(self, request, list_id):
        self.api_principal(request, MAIL_SEND)
        form = self.call("mailing", "subscription_form", list_id)
        return json_response(with_addresses(self.config, request, form))

    @api_operation(
        (
            "M3: switch the list's subscription form on or off (`enabled`) and change its consent texts "
            "(`consent_texts` {fi, sv, en}, at least one; a change is a new version). An archived list's "
            "form cannot be switched on: 409"
        ),
        permission=MAIL_SEND,
        body=schemas.SubscriptionFormInput,
        responses={200: schemas.SubscriptionFormSettings},
        errors=(403, 404, 409, 422),
    )
    @http("PATCH", "/api/v1/mailing-lists/<list_id>/subscription-form")
    def api_subscription_form_update(self, request, list_id):
        self.api_principal(request, MAIL_SEND)
        form = self.call("mailing", "update_subscription_form", list_id, json_body(request))
        return json_response(with_addresses(self.config, request, form))
