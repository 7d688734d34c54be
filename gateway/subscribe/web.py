"""The staff's settings of a list's subscription form (M3) from the card on /mailing/<id>: switch the
form on or off, change its consent texts (fi, sv, en; a change is a new version). Needs mail.send."""

from gateway.core import GatewayCore
from gateway.http import http
from gateway.roles import MAIL_SEND
from gateway.web_helpers import require_csrf, see_other, web_page
from piiri.errors import Conflict, ValidationFailed

LANGUAGES = ("fi", "sv", "en")


def form_changes(form):
    """The card's form -> update_subscription_form's changes."""
    action = form.get("action", "")
    if action in ("enable", "disable"):
        return {"enabled": action == "enable"}
    return {"consent_texts": {language: form.get(f"consent_{language}", "") for language in LANGUAGES}}


class SubscribeWebRoutes(GatewayCore):
    @http("POST", "/mailing/<list_id>/subscription-form")
    @web_page
    def web_subscription_form(self, request, list_id):
        principal = self.web_principal(request, MAIL_SEND)
        require_csrf(request, principal)
        try:
            self.call("mailing", "update_subscription_form", list_id, form_changes(request.form))
        except ValidationFailed:
            return see_other(f"/mailing/{list_id}?notice=subscription_invalid#sub-card")
        except Conflict:
            return see_other(f"/mailing/{list_id}?notice=subscription_archived#sub-card")
        return see_other(f"/mailing/{list_id}?notice=subscription_saved#sub-card")
