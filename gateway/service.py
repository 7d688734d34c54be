"""The gateway service: one nameko service serving every area's API and web routes (gateway/areas.py).

Its class is composed explicitly from the areas' route classes, each a GatewayCore subclass
(gateway/core.py) that uses only the core and its own area (gateway/tests/test_areas.py); nameko finds
the @http entrypoints and the core's dependencies on it.
"""

from gateway.areas import ROUTES


def compose(name, routes):
    """A nameko service class named ``name`` whose entrypoints are those of ``routes``."""
    return type("GatewayService", routes, {"name": name, "__module__": __name__, "__doc__": __doc__})


GatewayService = compose("gateway", ROUTES)
