"""Exports: export jobs and their files, streamed rows, a contact's vCard and QR code."""

from gateway.core import Area
from gateway.exports.api import ExportsApiRoutes
from gateway.exports.web import ExportsWebRoutes, export_links

AREA = Area("exports", routes=(ExportsApiRoutes, ExportsWebRoutes), template_extras=(export_links,))
