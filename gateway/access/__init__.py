"""Access administration (C6, S1): permissions, roles, users, user groups with data scopes, API tokens."""

from gateway.access.api import AccessApiRoutes
from gateway.access.web import AccessWebRoutes
from gateway.core import Area

AREA = Area("access", routes=(AccessApiRoutes, AccessWebRoutes))
