"""/api/v1/exports and /api/v1/contacts:export (I2): export jobs (start, follow, list, download, delete)
and NDJSON/JSON streamed straight from the selection. Everything needs contacts.export."""

from gateway import openapi_export_options, openapi_exports  # noqa: F401  (register the OpenAPI parts)
from gateway.base import json_body
from gateway.http import http, json_response
from gateway.roles import EXPORT


class ExportsApiRoutes:
    @http("GET", "/api/v1/exports/formats")
    def api_exports_formats(self, request):
        self.api_principal(request, EXPORT)
        return json_response(self.call("exports", "list_formats", request.args.get("language", "en")))

    @http("POST", "/api/v1/exports")
    def api_exports_start(self, request):
        self.api_principal(request, EXPORT)
        job = self.call("exports", "start_export", json_body(request))
        return json_response(job, status=202, headers={"Location": f"/api/v1/exports/{job['id']}"})

    @http("GET", "/api/v1/exports")
    def api_exports_list(self, request):
        self.api_principal(request, EXPORT)
        everyone = request.args.get("everyone") in ("1", "true")
        return json_response(self.call("exports", "list_jobs", everyone=everyone))

    @http("GET", "/api/v1/exports/<job_id>")
    def api_exports_get(self, request, job_id):
        self.api_principal(request, EXPORT)
        return json_response(self.call("exports", "get_job", job_id))

    @http("DELETE", "/api/v1/exports/<job_id>")
    def api_exports_delete(self, request, job_id):
        self.api_principal(request, EXPORT)
        return json_response(self.call("exports", "delete_job", job_id))

    @http("GET", "/api/v1/exports/<job_id>/file")
    def api_exports_file(self, request, job_id):
        self.api_principal(request, EXPORT)
        return self.export_file_response(job_id)

    @http("GET", "/api/v1/contacts:export")
    def api_exports_stream(self, request):
        self.api_principal(request, EXPORT)
        return self.export_stream_response(request.args)

    @http("GET", "/api/v1/contacts/<contact_id>/vcard")
    def api_exports_vcard(self, request, contact_id):
        self.api_principal(request, EXPORT)
        return self.contact_card_response(
            contact_id, "vcard", {"version": request.args.get("version", "4.0")}
        )

    @http("GET", "/api/v1/contacts/<contact_id>/qr")
    def api_exports_qr(self, request, contact_id):
        self.api_principal(request, EXPORT)
        return self.contact_card_response(contact_id, "qr_vcard", {"image": request.args.get("image", "png")})
