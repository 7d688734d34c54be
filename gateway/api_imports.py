"""/api/v1 routes of imports (I1): upload a file, map, validate, start, follow, undo, error report, and
``POST /api/v1/contacts:batch`` (up to 5,000 contacts through the same pipeline, synchronously)."""

import base64

from werkzeug.wrappers import Response

from gateway import openapi_imports  # noqa: F401  (registers the OpenAPI paths)
from gateway.base import int_arg, json_body
from gateway.http import http, json_response
from gateway.request_guard import text_problem
from gateway.roles import IMPORT
from piiri.errors import ValidationFailed

PART_BYTES = 1024 * 1024
UPLOAD_TIMEOUT = 120


def uploaded_file(request):
    """(filename, stream) of a multipart ``file`` field, or of a raw body named by ``?filename=``."""
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        return upload.filename, upload.stream
    filename = request.args.get("filename", "").strip()
    if not filename:
        raise ValidationFailed(
            "Send the file as multipart field 'file', or as the body with ?filename=.", {"file": ["Missing."]}
        )
    return filename, request.stream


class ImportCalls:
    """Helpers shared by the API and the web pages."""

    def upload_import(self, filename, stream, sheet=None):
        """Create an import and stream the file to the imports service in parts; the opened job."""
        for name, value in (("file", filename), ("sheet", sheet)):  # multipart fields: not checked centrally
            problem = text_problem(value) if isinstance(value, str) else None
            if problem:
                raise ValidationFailed(f"{name}: {problem}", {name: [problem]})
        job = self.call("imports", "create_import", filename)
        seq = 0
        while True:
            part = stream.read(PART_BYTES)
            if not part:
                break
            self.call("imports", "upload_part", job["id"], seq, base64.b64encode(part).decode())
            seq += 1
        return self.call("imports", "finish_upload", job["id"], sheet, timeout=UPLOAD_TIMEOUT)

    def error_report_response(self, import_id):
        report = self.call("imports", "error_report", import_id, timeout=UPLOAD_TIMEOUT)
        response = Response(
            base64.b64decode(report["content"]),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response.headers["Content-Disposition"] = f'attachment; filename="{report["filename"]}"'
        return response


class ImportsApiRoutes(ImportCalls):
    @http("POST", "/api/v1/contacts:batch")
    def api_contacts_batch(self, request):
        self.api_principal(request, IMPORT)
        body = json_body(request)
        result = self.call(
            "imports", "import_batch", body.get("contacts"), body.get("options") or {}, timeout=UPLOAD_TIMEOUT
        )
        return json_response(result)

    @http("GET", "/api/v1/imports")
    def api_imports_list(self, request):
        self.api_principal(request, IMPORT)
        return json_response(self.call("imports", "list_imports", int_arg(request.args, "limit", 50)))

    @http("POST", "/api/v1/imports")
    def api_imports_create(self, request):
        self.api_principal(request, IMPORT)
        filename, stream = uploaded_file(request)
        job = self.upload_import(filename, stream, request.args.get("sheet") or None)
        return json_response(job, status=201)

    @http("GET", "/api/v1/imports/fields")
    def api_imports_fields(self, request):
        self.api_principal(request, IMPORT)
        return json_response({"items": self.call("imports", "importable_fields")})

    @http("GET", "/api/v1/imports/<import_id>")
    def api_imports_get(self, request, import_id):
        self.api_principal(request, IMPORT)
        return json_response(self.call("imports", "get_import", import_id))

    @http("PUT", "/api/v1/imports/<import_id>/mapping")
    def api_imports_mapping(self, request, import_id):
        self.api_principal(request, IMPORT)
        body = json_body(request)
        return json_response(
            self.call("imports", "save_mapping", import_id, body.get("mapping"), body.get("options") or {})
        )

    @http("GET", "/api/v1/imports/<import_id>/preview")
    def api_imports_preview(self, request, import_id):
        self.api_principal(request, IMPORT)
        return json_response(self.call("imports", "preview", import_id, timeout=UPLOAD_TIMEOUT))

    @http("POST", "/api/v1/imports/<import_id>/validate")
    def api_imports_validate(self, request, import_id):
        self.api_principal(request, IMPORT)
        return json_response(self.call("imports", "validate", import_id), status=202)

    @http("POST", "/api/v1/imports/<import_id>/start")
    def api_imports_start(self, request, import_id):
        self.api_principal(request, IMPORT)
        body = request.get_json(silent=True) or {}
        return json_response(self.call("imports", "start", import_id, body.get("commit_mode")), status=202)

    @http("POST", "/api/v1/imports/<import_id>/cancel")
    def api_imports_cancel(self, request, import_id):
        self.api_principal(request, IMPORT)
        return json_response(self.call("imports", "cancel", import_id))

    @http("POST", "/api/v1/imports/<import_id>/undo")
    def api_imports_undo(self, request, import_id):
        self.api_principal(request, IMPORT)
        return json_response(self.call("imports", "undo", import_id, timeout=UPLOAD_TIMEOUT))

    @http("GET", "/api/v1/imports/<import_id>/errors")
    def api_imports_errors(self, request, import_id):
        self.api_principal(request, IMPORT)
        limit, offset = int_arg(request.args, "limit", 100), int_arg(request.args, "offset", 0)
        return json_response(self.call("imports", "row_errors", import_id, limit, offset))

    @http("GET", "/api/v1/imports/<import_id>/errors.xlsx")
    def api_imports_error_report(self, request, import_id):
        self.api_principal(request, IMPORT)
        return self.error_report_response(import_id)
