"""Imports: uploading a file, mapping its columns, the import jobs and their error reports."""

from gateway.core import Area
from gateway.imports.api import ImportsApiRoutes
from gateway.imports.web import ImportsWebRoutes

AREA = Area("imports", routes=(ImportsApiRoutes, ImportsWebRoutes))
