"""The site as a whole: the home redirect, the language switch, static files, /health, the OpenAPI
document."""

from gateway.core import Area
from gateway.site.api import SiteApiRoutes
from gateway.site.web import SiteWebRoutes

AREA = Area("site", routes=(SiteApiRoutes, SiteWebRoutes))
