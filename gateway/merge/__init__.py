"""Merging duplicate contacts (C11): candidates, comparing, merging."""

from gateway.core import Area
from gateway.merge.api import MergeApiRoutes
from gateway.merge.web import MergeWebRoutes, duplicates_lookup

AREA = Area(
    "merge",
    routes=(MergeApiRoutes, MergeWebRoutes),
    contact_sections=("merge/_contact_section.html",),
    template_extras=(duplicates_lookup,),
)
