"""/api/v1 routes of imports (I1): upload a file, map, validate, start, follow, undo, error report, and
``POST /api/v1/contacts:batch`` (up to 5,000 contacts through the same pipeline, synchronously)."""

import base64

from werkzeug.wrappers import Response

from gateway.base import int_arg, json_body
from gateway.core import GatewayCore
from gateway.http import http, json_response
from gateway.imports import schemas
from gateway.openapi import api_operation, file_response
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


class ImportCalls(GatewayCore):
    """Helpers shared by the API and the web pages."""

    def upload_import(self, filename, stream, sheet=None):
        """Create an import and stream the file to the imports service in parts; the opened job."""
        for name, value in (("file", filename), ("sheet", sheet)):  # multipart fields: not checked centrally
            problem = text_problem(value) if isinstance(value, str) else None
            if problem:
                raise ValidationFailed(problem, {name: [problem]})
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
    @api_operation(
        (
            "I1: create or update up to 5,000 contacts at once (the import pipeline: duplicate matching, "
            "group, consents; all_or_nothing or valid_rows), per-row results"
        ),
        permission="contacts.import",
        body=schemas.ContactsBatchBody,
        responses={200: schemas.ContactsBatchResponse},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/contacts:batch")
    def api_contacts_batch(self, request):
        self.api_principal(request, IMPORT)
        body = json_body(request)
        result = self.call(
            "imports", "import_batch", body.get("contacts"), body.get("options") or {}, timeout=UPLOAD_TIMEOUT
        )
        return json_response(result)

    @api_operation(
        "I1: recent imports",
        permission="contacts.import",
        query=schemas.ImportsListQuery,
        responses={200: schemas.ImportsListResponse},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/imports")
    def api_imports_list(self, request):
        self.api_principal(request, IMPORT)
        return json_response(self.call("imports", "list_imports", int_arg(request.args, "limit", 50)))

    @api_operation(
        (
            "I1: upload an .xlsx, .csv or .vcf (multipart field 'file', or the body with ?filename=); "
            "answers the job with its headers and proposed mapping"
        ),
        permission="contacts.import",
        query=schemas.ImportsCreateQuery,
        body=file_response("application/octet-stream"),
        form=schemas.ImportsCreateForm,
        responses={201: (schemas.ImportUploaded, "Uploaded")},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/imports")
    def api_imports_create(self, request):
        self.api_principal(request, IMPORT)
        filename, stream = uploaded_file(request)
        job = self.upload_import(filename, stream, request.args.get("sheet") or None)
        return json_response(job, status=201)

    @api_operation(
        "I1: the fields a column can be mapped to (standard, lists, custom)",
        permission="contacts.import",
        responses={200: schemas.AnyObject},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/imports/fields")
    def api_imports_fields(self, request):
        self.api_principal(request, IMPORT)
        return json_response({"items": self.call("imports", "importable_fields")})

    @api_operation(
        "I1: an import's status, progress and counts",
        permission="contacts.import",
        responses={200: schemas.ImportJob},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/imports/<import_id>")
    def api_imports_get(self, request, import_id):
        self.api_principal(request, IMPORT)
        return json_response(self.call("imports", "get_import", import_id))

    @api_operation(
        (
            "I1: choose the mapping ({column: field key or null}) and options; remembered for files with "
            "the same columns"
        ),
        permission="contacts.import",
        body=schemas.ImportsMappingBody,
        responses={200: schemas.ImportJob},
        errors=(403, 404, 409, 422),
    )
    @http("PUT", "/api/v1/imports/<import_id>/mapping")
    def api_imports_mapping(self, request, import_id):
        self.api_principal(request, IMPORT)
        body = json_body(request)
        return json_response(
            self.call("imports", "save_mapping", import_id, body.get("mapping"), body.get("options") or {})
        )

    @api_operation(
        (
            "I1: the first 20 rows as they will be stored, with their errors and what each will do "
            "(match.kind new | existing — contact_id and name of the contact, within the caller's "
            "scope — | in_file — duplicate_of, the earlier row's number — | ambiguous; null for a row "
            "with errors) and the import's on_duplicate"
        ),
        permission="contacts.import",
        responses={200: schemas.AnyObject},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/imports/<import_id>/preview")
    def api_imports_preview(self, request, import_id):
        self.api_principal(request, IMPORT)
        return json_response(self.call("imports", "preview", import_id, timeout=UPLOAD_TIMEOUT))

    @api_operation(
        "I1: validate every row in the background (progress in GET /api/v1/imports/{id})",
        permission="contacts.import",
        responses={202: schemas.ImportJob},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/imports/<import_id>/validate")
    def api_imports_validate(self, request, import_id):
        self.api_principal(request, IMPORT)
        return json_response(self.call("imports", "validate", import_id), status=202)

    @api_operation(
        (
            "I1: commit in the background; with errors, all_or_nothing is refused (409) unless "
            "commit_mode 'valid_rows' is given"
        ),
        permission="contacts.import",
        body=schemas.ImportsStartBody,
        body_required=False,
        responses={202: schemas.ImportJob},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/imports/<import_id>/start")
    def api_imports_start(self, request, import_id):
        self.api_principal(request, IMPORT)
        body = json_body(request) if request.get_data() else {}  # a list or a number is a 422, not a 500
        return json_response(self.call("imports", "start", import_id, body.get("commit_mode")), status=202)

    @api_operation(
        "I1: stop an unfinished import",
        permission="contacts.import",
        responses={200: schemas.ImportJob},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/imports/<import_id>/cancel")
    def api_imports_cancel(self, request, import_id):
        self.api_principal(request, IMPORT)
        return json_response(self.call("imports", "cancel", import_id))

    @api_operation(
        "I1: undo the whole import (409 with the changed contacts if any changed since)",
        permission="contacts.import",
        responses={200: schemas.ImportJob},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/imports/<import_id>/undo")
    def api_imports_undo(self, request, import_id):
        self.api_principal(request, IMPORT)
        return json_response(self.call("imports", "undo", import_id, timeout=UPLOAD_TIMEOUT))

    @api_operation(
        "I1: the rows with errors, per column",
        permission="contacts.import",
        query=schemas.ImportsErrorsQuery,
        responses={200: schemas.AnyObject},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/imports/<import_id>/errors")
    def api_imports_errors(self, request, import_id):
        self.api_principal(request, IMPORT)
        limit, offset = int_arg(request.args, "limit", 100), int_arg(request.args, "offset", 0)
        return json_response(self.call("imports", "row_errors", import_id, limit, offset))

    @api_operation(
        "I1: the error report as Excel, the errors beside the rows",
        permission="contacts.import",
        responses={
            200: file_response(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                description="The .xlsx file",
            )
        },
        errors=(403, 404),
    )
    @http("GET", "/api/v1/imports/<import_id>/errors.xlsx")
    def api_imports_error_report(self, request, import_id):
        self.api_principal(request, IMPORT)
        return self.error_report_response(import_id)
