"""Saved searches, and the advanced search (C4) whose expressions they save."""

from gateway.core import Area
from gateway.saved_searches.advanced_search_api import AdvancedSearchApiRoutes
from gateway.saved_searches.api import SavedSearchesApiRoutes
from gateway.saved_searches.web import SavedSearchesWebRoutes, saved_search_bar

AREA = Area(
    "saved_searches",
    # SavedSearchesWebRoutes builds on AdvancedSearchWebRoutes: saving returns to the advanced search page.
    routes=(AdvancedSearchApiRoutes, SavedSearchesApiRoutes, SavedSearchesWebRoutes),
    list_filters=("advanced_search/_list_filters.html",),
    template_extras=(saved_search_bar,),
)
