"""The global search of the header (issue 13 item 1): on every page a search box with type-ahead
suggestions of contacts by name, e-mail or phone, opening the person directly (gateway/static/piiri.js);
its suggestions come from the contacts service's audited, scope-limited search."""

from gateway.core import Area
from gateway.global_search.web import GlobalSearchWebRoutes

AREA = Area("global_search", routes=(GlobalSearchWebRoutes,))
