"""/api/v1 routes of G3 (access report) and G4 (erasure): GDPR officers only."""

from werkzeug.wrappers import Response

from gateway import openapi_gdpr  # noqa: F401  (registers the OpenAPI paths)
from gateway.base import int_arg, json_body
from gateway.gdpr import GDPR_OFFICER
from gateway.http import http, json_response


def download(body, mimetype, name):
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


class GdprApiRoutes:
    @http("GET", "/api/v1/contacts/<contact_id>/access-report")
    def api_gdpr_access_report(self, request, contact_id):
        principal = self.api_principal(request, GDPR_OFFICER)
        fmt = request.args.get("format") or "json"
        language = request.args.get("language") or principal.user.get("language") or "fi"
        return download(*self.access_report_file(principal, contact_id, fmt, language))

    @http("POST", "/api/v1/contacts/<contact_id>:erase")
    def api_gdpr_erase(self, request, contact_id):
        self.api_principal(request, GDPR_OFFICER)
        reason = json_body(request).get("reason")
        return json_response(self.call("contacts", "request_erasure", contact_id, reason), status=202)

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

    @http("GET", "/api/v1/erasures/<erasure_id>")
    def api_gdpr_erasure(self, request, erasure_id):
        self.api_principal(request, GDPR_OFFICER)
        return json_response(self.call("contacts", "get_erasure", erasure_id))

    @http("POST", "/api/v1/erasures/<erasure_id>:retry")
    def api_gdpr_retry(self, request, erasure_id):
        self.api_principal(request, GDPR_OFFICER)
        return json_response(self.call("contacts", "retry_erasure", erasure_id))
