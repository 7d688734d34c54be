"""/api/v1 routes of the audit log (G2, S2): the organisation-wide search, its CSV export and the check of
the hash chain. Every read of the log is recorded by the audit service itself."""

from werkzeug.wrappers import Response

from gateway import openapi_audit  # noqa: F401  (registers the OpenAPI paths)
from gateway.audit_csv import events_csv
from gateway.http import http, json_response
from gateway.roles import AUDIT_VIEW

MAX_CSV_ROWS = 100_000  # beyond this the export stops and says so (narrow the filters)
PAGING = ("limit", "cursor")


def audit_filters(args):
    """Every query argument but limit/cursor is a filter; the audit service refuses unknown ones by name."""
    return {name: value for name, value in args.items() if name not in PAGING}


def export_csv(gateway, filters):
    """The CSV download of a search: pages of ``export_events`` (each audited as audit.exported)."""
    pages, rows, cursor = [], 0, None
    while True:
        page = gateway.call("audit", "export_events", filters, cursor=cursor)
        pages.append(page["items"])
        rows += len(page["items"])
        cursor = page["next_cursor"]
        if cursor is None or rows >= MAX_CSV_ROWS:
            return csv_response(events_csv(pages), truncated=cursor is not None)


class AuditApiRoutes:
    @http("GET", "/api/v1/audit/events")
    def api_audit_events(self, request):
        self.api_principal(request, AUDIT_VIEW)
        args = request.args
        page = self.call(
            "audit", "search_events", audit_filters(args), limit=args.get("limit"), cursor=args.get("cursor")
        )
        return json_response(page)

    @http("GET", "/api/v1/audit/events.csv")
    def api_audit_events_csv(self, request):
        self.api_principal(request, AUDIT_VIEW)
        return export_csv(self, audit_filters(request.args))

    @http("GET", "/api/v1/audit/verify")
    def api_audit_verify(self, request):
        self.api_principal(request, AUDIT_VIEW)
        return json_response(self.call("audit", "verify_chain", timeout=300))


def csv_response(text, truncated):
    response = Response(text.encode("utf-8-sig"), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Piiri-Truncated"] = "true" if truncated else "false"
    return response
