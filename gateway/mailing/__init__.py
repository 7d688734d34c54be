"""Mailing (M1, M2, M4, M5): mailing lists synced to Campaign Monitor, who is left out and why, the syncs,
bounce and unsubscribe flags (and their warning on every page that shows contacts: flags_web.py),
Campaign Monitor's webhook, mail templates, and campaigns with their previews, test sends, sending,
ledger and reports."""

from gateway.core import Area
from gateway.mailing.api import MailingApiRoutes
from gateway.mailing.campaigns_api import CampaignsApiRoutes
from gateway.mailing.campaigns_web import CampaignsWebRoutes
from gateway.mailing.contact_web import mailing_contact_lookup
from gateway.mailing.flags_web import mailing_flags_lookup
from gateway.mailing.web import MailingWebRoutes

AREA = Area(
    "mailing",
    routes=(MailingApiRoutes, MailingWebRoutes, CampaignsApiRoutes, CampaignsWebRoutes),
    contact_sections=("mailing/_contact_section.html",),
    template_extras=(mailing_contact_lookup, mailing_flags_lookup),
)
