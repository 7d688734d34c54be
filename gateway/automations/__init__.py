"""Automations: rules that act on contacts, and their runs."""

from gateway.automations.api import AutomationsApiRoutes
from gateway.automations.web import AutomationsWebRoutes
from gateway.core import Area

AREA = Area("automations", routes=(AutomationsApiRoutes, AutomationsWebRoutes))
