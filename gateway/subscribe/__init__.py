"""Subscription forms (M3): the hosted subscription page of a mailing list (public, /subscribe/<token>),
the embeddable form's snippet and share link, the double opt-in confirmation pages, and the staff's
settings of a list's form (its card on the list's page and /api/v1/mailing-lists/<id>/subscription-form)."""

from gateway.core import Area
from gateway.subscribe.api import SubscribeApiRoutes
from gateway.subscribe.card import subscription_card_extra
from gateway.subscribe.public import PublicSubscribeRoutes
from gateway.subscribe.web import SubscribeWebRoutes

AREA = Area(
    "subscribe",
    routes=(SubscribeApiRoutes, SubscribeWebRoutes, PublicSubscribeRoutes),
    template_extras=(subscription_card_extra,),
)
