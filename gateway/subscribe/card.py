"""The subscription form's card on a mailing list's page (M3), added to the page's context as a lazy
function (Area.template_extras): only the list's page calls it, which asks the mailing service for the
form (made the first time: off) and gives the hosted page's address (the share link) and the snippet."""

from gateway.subscribe.links import with_addresses


def subscription_card_extra(gateway, request, principal):
    def subscription_card(list_id):
        form = gateway.call("mailing", "subscription_form", str(list_id))
        return with_addresses(gateway.config, request, form)

    return {"subscription_card": subscription_card}
