"""The dashboard, the landing page (issue 13 item 2): a card per list a user works from, each with its
figures from one RPC of the service behind it and a link to that list, shown to those who may open it."""

from gateway.core import Area
from gateway.dashboard.api import DashboardApiRoutes
from gateway.dashboard.web import DashboardWebRoutes

AREA = Area(
    "dashboard",
    routes=(DashboardApiRoutes, DashboardWebRoutes),
    list_notes=("dashboard/_list_filter.html",),
)
