"""/api/v1 routes of G3 (access report) and G4 (erasure): GDPR officers only."""

from werkzeug.wrappers import Response

from gateway.base import int_arg, json_body
from gateway.gdpr import schemas
from gateway.gdpr.calls import GDPR_OFFICER, GdprCalls
from gateway.http import http, json_response
from gateway.openapi import api_operation, file_response


def download(body, mimetype, name):
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


class GdprApiRoutes(GdprCalls):
    @api_operation(
        (
            "G3: everything every service holds about the person (gdpr.officer), as a JSON file "
            "(schema_version, generated_at, services: {service: parts}) or a PDF; audited as "
            "contact.access_report_exported"
        ),
        permission="gdpr.officer",
        query=schemas.GdprAccessReportQuery,
        responses={
            200: file_response(
                "application/pdf", json=schemas.AnyObject, description="The report as a download"
            )
        },
        errors=(403, 404, 422),
    )
    @http("GET", "/api/v1/contacts/<contact_id>/access-report")
    def api_gdpr_access_report(self, request, contact_id):
        principal = self.api_principal(request, GDPR_OFFICER)
        fmt = request.args.get("format") or "json"
        language = request.args.get("language") or principal.user.get("language") or "fi"
        return download(*self.access_report_file(principal, contact_id, fmt, language))

    @api_operation(
        (
            "G4: erase the person in every service (gdpr.officer): the contacts service erases at once, "
            "the others on the contact_erasure_requested event; idempotent per contact (a repeat returns "
            "the first request). Afterwards the id is 404 everywhere"
        ),
        permission="gdpr.officer",
        body=schemas.ErasureInput,
        responses={202: (schemas.Erasure, "Requested; see status and pending")},
        errors=(403, 404, 422),
    )
    @http("POST", "/api/v1/contacts/<contact_id>:erase")
    def api_gdpr_erase(self, request, contact_id):
        self.api_principal(request, GDPR_OFFICER)
        reason = json_body(request).get("reason")
        return json_response(self.call("contacts", "request_erasure", contact_id, reason), status=202)

    @api_operation(
        "G4: erasure requests newest first (gdpr.officer): who asked, when, per-service progress",
        permission="gdpr.officer",
        query=schemas.GdprErasuresQuery,
        responses={200: schemas.GdprErasuresResponse},
        errors=(403, 404, 422),
    )
    @http("GET", "/api/v1/erasures")
    def api_gdpr_erasures(self, request):
        self.api_principal(request, GDPR_OFFICER)
        pending = request.args.get("pending") in ("1", "true", "yes")
        return json_response(
            self.call(
                "contacts",
                "list_erasures",
                limit=int_arg(request.args, "limit", None),
                cursor=request.args.get("cursor") or None,
                pending_only=pending,
            )
        )

    @api_operation(
        "G4: one erasure and how far each service has got",
        permission="gdpr.officer",
        responses={200: schemas.Erasure},
        errors=(403, 404, 422),
    )
    @http("GET", "/api/v1/erasures/<erasure_id>")
    def api_gdpr_erasure(self, request, erasure_id):
        self.api_principal(request, GDPR_OFFICER)
        return json_response(self.call("contacts", "get_erasure", erasure_id))

    @api_operation(
        "G4: send the erasure request again to the services still pending",
        permission="gdpr.officer",
        responses={200: schemas.Erasure},
        errors=(403, 404, 422),
    )
    @http("POST", "/api/v1/erasures/<erasure_id>:retry")
    def api_gdpr_retry(self, request, erasure_id):
        self.api_principal(request, GDPR_OFFICER)
        return json_response(self.call("contacts", "retry_erasure", erasure_id))
