"""Contact groups: the groups, their members, bulk changes from the contact list."""

from gateway.core import Area
from gateway.groups.api import GroupsApiRoutes
from gateway.groups.web import GroupsWebRoutes

AREA = Area(
    "groups",
    routes=(GroupsApiRoutes, GroupsWebRoutes),
    contact_sections=("groups/_contact_section.html",),
    list_notes=("groups/_list_filter.html",),
)
