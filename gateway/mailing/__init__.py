"""Mailing (M1, M5): mailing lists synced to Campaign Monitor, who is left out and why, the syncs,
bounce and unsubscribe flags, and Campaign Monitor's webhook."""

from gateway.core import Area
from gateway.mailing.api import MailingApiRoutes
from gateway.mailing.web import MailingWebRoutes

AREA = Area("mailing", routes=(MailingApiRoutes, MailingWebRoutes))
