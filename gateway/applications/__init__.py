"""Application rounds (Q3): rounds (grants, scholarships, open calls) with their phases, deadlines, what
reviewers see and a weighted scoring rubric, and their applications with attachments, entered in Piiri or
taken from a linked survey's responses, in the API (/api/v1/application-rounds) and the web UI
(/applications), and the reviewer portal (/review) where an outside expert scores what is assigned to them."""

from gateway.applications.api import ApplicationsApiRoutes, DecisionsApiRoutes, ReviewersApiRoutes
from gateway.applications.portal import ReviewPortalRoutes
from gateway.applications.web import ApplicationsWebRoutes
from gateway.core import Area

AREA = Area(
    "applications",
    routes=(
        ApplicationsApiRoutes,
        ReviewersApiRoutes,
        DecisionsApiRoutes,
        ApplicationsWebRoutes,
        ReviewPortalRoutes,
    ),
)
