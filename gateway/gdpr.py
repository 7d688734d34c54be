"""What the G3/G4 API and web routes share: building an audited access report file, and the erasure
calls. Only callers with the permission ``gdpr.officer`` get here (each service checks it again)."""

from eventlet import tpool

from gateway import access_pdf, access_report
from gateway.roles import GDPR_OFFICER
from piiri.errors import ServiceUnavailable, ValidationFailed

FORMATS = {"json": "application/json", "pdf": "application/pdf"}

__all__ = ["GDPR_OFFICER", "FORMATS", "GdprCalls"]


class GdprCalls:
    """Mixed into GatewayService before the G3/G4 route mixins."""

    def access_report_file(self, principal, contact_id, fmt, language):
        """(bytes, mimetype, file name) of the report in ``fmt``; the export is audited
        (``contact.access_report_exported``) before the file is handed out."""
        if fmt not in FORMATS:
            raise ValidationFailed("format must be pdf or json.", {"format": ["Must be one of: pdf, json."]})
        services = access_report.report_services(self.config)
        unreachable = [service for service in services if not hasattr(self, service)]
        if unreachable:  # a configured service the gateway has no RPC proxy for: a deployment error
            raise ServiceUnavailable(
                f"The gateway cannot ask {', '.join(unreachable)} for personal data (GDPR_SERVICES).",
                {"services": unreachable},
            )
        report = access_report.gather(self.call, contact_id, services, principal.user["username"])
        body = (  # the PDF is CPU-heavy: rendered in a thread, not in the request greenlet (issue 12 item 2)
            access_report.as_json(report)
            if fmt == "json"
            else tpool.execute(access_pdf.render, report, language)
        )
        self.audit_trail.read(
            principal.actor,
            "contact.access_report_exported",
            "contact",
            [report["contact_id"]],
            details={"format": fmt, "services": list(report["services"])},
        )
        return body, FORMATS[fmt], access_report.file_name(report, fmt)
