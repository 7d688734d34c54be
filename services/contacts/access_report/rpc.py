"""The G3 access report as a file, made here (the contacts service owns G3): this service's own
``personal_data`` and every other ``GDPR_SERVICES`` service's answer, assembled (report.py) into JSON
or rendered as a PDF (pdf.py); handing it out is audited (``contact.access_report_exported``). The
gateway passes the file on unchanged (issue 11 item 2).
"""

import base64
import time

from eventlet import tpool
from nameko.dependency_providers import Config
from nameko.rpc import rpc

from piiri import erasure as protocol
from piiri.errors import EXPECTED_ERRORS, ServiceUnavailable, ValidationFailed
from piiri.rpc import DeadlineMethodProxy
from piiri.rpc import TransientRequests as RpcProxy  # transient requests; one deadline for all
from services.contacts.access_report import pdf, report
from services.contacts.access_report.contract import FORMATS
from services.contacts.core import ContactsCore

GDPR_OFFICER = "gdpr.officer"
DEFAULT_TIMEOUT = 15  # seconds for every service's answer together (RPC_TIMEOUT)
# The RPC proxy of each service that can answer personal_data (a GDPR_SERVICES name without one is a
# deployment error, said so).
PROXIES = {
    "audit": "audit_rpc",
    "imports": "imports_rpc",
    "exports": "exports_rpc",
    "surveys": "surveys_rpc",
    "mailing": "mailing_rpc",
    "billing": "billing_rpc",
}


def render_body(made, fmt, language):
    """The report's bytes: JSON, or the PDF rendered in a thread (CPU-heavy, so not in the worker's
    greenlet, where it would stall every other call of this process: issue 12 item 2)."""
    if fmt == "json":
        return report.as_json(made)
    return tpool.execute(pdf.render, made, language)


class AccessReportRpc(ContactsCore):
    """G3: the access report file."""

    report_config = Config()
    audit_rpc = RpcProxy("audit")
    imports_rpc = RpcProxy("imports")
    exports_rpc = RpcProxy("exports")
    surveys_rpc = RpcProxy("surveys")
    mailing_rpc = RpcProxy("mailing")
    billing_rpc = RpcProxy("billing")

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def access_report_file(self, contact_id, fmt="json", language="fi"):
        """Everything every service holds about the contact, as {"file_name", "content_type", "data"
        (base64)}: ``fmt`` json (machine-readable) or pdf (readable, in ``language`` fi or en). A
        service that cannot answer fails the whole report."""
        actor = self.context.require(GDPR_OFFICER)
        if fmt not in FORMATS:
            raise ValidationFailed("contact.invalid", {"format": ["contact.choice"]})
        services = protocol.configured_services(self.report_config)
        unreachable = [service for service in services if service != "contacts" and service not in PROXIES]
        if unreachable:
            raise ServiceUnavailable(
                f"The contacts service cannot ask {', '.join(unreachable)} for personal data "
                "(GDPR_SERVICES).",
                {"services": unreachable},
            )
        made = report.gather(self._personal_data_caller(), contact_id, services, actor.username)
        body = render_body(made, fmt, language)
        self.audit.read(
            actor,
            "contact.access_report_exported",
            "contact",
            [made["contact_id"]],
            details={"format": fmt, "services": list(made["services"])},
        )
        return {
            "file_name": report.file_name(made, fmt),
            "content_type": FORMATS[fmt],
            "data": base64.b64encode(body).decode("ascii"),
        }

    def _personal_data_caller(self):
        """``call(service, "personal_data", contact_id)`` for report.gather: this service's own answer
        directly, the others' over RPC as the caller, all within one deadline (an RPC from inside a
        service has none of its own: stack.md trap 10)."""
        seconds = float(self.report_config.get("RPC_TIMEOUT") or DEFAULT_TIMEOUT)
        deadline = time.monotonic() + seconds

        def call(service, method, contact_id):
            if service == "contacts":
                return getattr(self, method)(contact_id)
            remaining = max(deadline - time.monotonic(), 0.1)
            proxy = getattr(getattr(self, PROXIES[service]), method)
            return DeadlineMethodProxy(proxy, service, remaining)(contact_id)

        return call
