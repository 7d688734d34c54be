"""A contact's GDPR rights (G3): the access report and erasure."""

from gateway.core import Area
from gateway.gdpr.api import GdprApiRoutes
from gateway.gdpr.web import GdprWebRoutes

AREA = Area(
    "gdpr",
    routes=(GdprApiRoutes, GdprWebRoutes),
    contact_privacy_parts=("gdpr/_contact_section.html",),
)
