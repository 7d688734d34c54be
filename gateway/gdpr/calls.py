"""What the G3/G4 API and web routes share: the access report file, made by the contacts service (which
owns G3: it asks every GDPR service, renders the PDF and audits the export) and passed on unchanged, and
the erasure calls. Only callers with the permission ``gdpr.officer`` get here (each service checks it
again)."""

import base64

from gateway.core import GatewayCore
from gateway.roles import GDPR_OFFICER
from services.contacts.access_report.contract import FORMATS

__all__ = ["GDPR_OFFICER", "FORMATS", "GdprCalls"]

# The report waits for every GDPR service's answer (each within RPC_TIMEOUT) and for the PDF.
REPORT_TIMEOUT_FACTOR = 3


class GdprCalls(GatewayCore):
    """What the GDPR area's API and web routes share: the access report file."""

    def access_report_file(self, principal, contact_id, fmt, language):
        """(bytes, mimetype, file name) of the report in ``fmt`` (json or pdf), from
        contacts.access_report_file (audited there as ``contact.access_report_exported``)."""
        timeout = self.settings["rpc_timeout"] * REPORT_TIMEOUT_FACTOR
        made = self.call("contacts", "access_report_file", contact_id, fmt, language, timeout=timeout)
        return base64.b64decode(made["data"]), made["content_type"], made["file_name"]
