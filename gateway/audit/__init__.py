"""The audit log (G2): searching it, a contact's trail, the CSV download."""

from gateway.audit.api import AuditApiRoutes
from gateway.audit.web import AuditWebRoutes
from gateway.core import Area

AREA = Area("audit", routes=(AuditApiRoutes, AuditWebRoutes))
