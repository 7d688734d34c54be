"""/api/v1 routes of the audit log (G2, S2): the organisation-wide search, its CSV export and the check of
the hash chain. Every read of the log is recorded by the audit service itself."""

from werkzeug.wrappers import Response

from gateway.audit import schemas
from gateway.audit.audit_csv import events_csv
from gateway.core import GatewayCore
from gateway.http import http, json_response
from gateway.openapi import api_operation, file_response
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


class AuditApiRoutes(GatewayCore):
    @api_operation(
        (
            "G2: search the audit log (audit.view), newest first; every filter given must match; the "
            "search itself is recorded (audit.searched)"
        ),
        tags=("audit",),
        permission="audit.view",
        query=schemas.AuditEventsQuery,
        responses={200: schemas.AuditEventPage},
        errors=(403, 422),
    )
    @http("GET", "/api/v1/audit/events")
    def api_audit_events(self, request):
        self.api_principal(request, AUDIT_VIEW)
        args = request.args
        page = self.call(
            "audit", "search_events", audit_filters(args), limit=args.get("limit"), cursor=args.get("cursor")
        )
        return json_response(page)

    @api_operation(
        (
            "G2: the search as CSV (audit.view; recorded as audit.exported with the filters); cells "
            "starting with = + - @ get a leading ' so spreadsheets do not run them; at most 100,000 rows "
            "(header X-Piiri-Truncated: true when there were more)"
        ),
        tags=("audit",),
        permission="audit.view",
        query=schemas.AuditEventsCsvQuery,
        responses={200: file_response("text/csv", description="CSV (UTF-8 with BOM)")},
        errors=(403, 422),
    )
    @http("GET", "/api/v1/audit/events.csv")
    def api_audit_events_csv(self, request):
        self.api_principal(request, AUDIT_VIEW)
        return export_csv(self, audit_filters(request.args))

    @api_operation(
        (
            "S2: verify the audit log's hash chain (audit.view and users.manage): altered, removed, "
            "reordered records and a truncated tail; an intact chain is recorded as a checkpoint"
        ),
        tags=("audit",),
        permission=("audit.view", "users.manage"),
        responses={200: schemas.ChainReport},
        errors=(403,),
    )
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
