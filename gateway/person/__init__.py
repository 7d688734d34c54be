"""A person's names, statuses and couple, and marking them deceased."""

from gateway.core import Area
from gateway.person.api import PersonApiRoutes
from gateway.person.web import PersonWebRoutes

AREA = Area(
    "person",
    routes=(PersonApiRoutes, PersonWebRoutes),
    contact_sections=("person/_section.html",),
    list_filters=("person/_list_filters.html",),
)
