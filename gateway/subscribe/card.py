"""The subscription form's card on a mailing list's page (M3), added to the page's context as a lazy
function (Area.template_extras): only the list's page calls it, which asks the mailing service for the
form (made the first time: off) and gives the hosted page's address (the share link) and the snippet."""

from gateway.subscribe.links import page_url, public_base, snippet
from gateway.web_helpers import language_of


def subscription_card_extra(gateway, request, principal):
    def subscription_card(list_id):
        form = gateway.call("mailing", "subscription_form", str(list_id))
        base = public_base(gateway.config, request)
        language = language_of(request)
        return {
            **form,
            "url": page_url(base, form["token"]),
            "snippet": snippet(base, form["token"], language),
        }

    return {"subscription_card": subscription_card}
