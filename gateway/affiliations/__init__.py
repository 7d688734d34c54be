"""Affiliations of persons and organisations, and contact photos (C2)."""

from gateway.affiliations.api import AffiliationsApiRoutes
from gateway.affiliations.web import AffiliationsWebRoutes
from gateway.core import Area

AREA = Area(
    "affiliations",
    routes=(AffiliationsApiRoutes, AffiliationsWebRoutes),
    contact_sections=("photos/_section.html", "affiliations/_section.html"),
)
