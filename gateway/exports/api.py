"""/api/v1/exports and /api/v1/contacts:export (I2): export jobs (start, follow, list, download, delete)
and NDJSON/JSON streamed straight from the selection. Everything needs contacts.export."""

from gateway.base import json_body
from gateway.exports import schemas
from gateway.exports.calls import ExportCalls
from gateway.http import http, json_response
from gateway.openapi import api_operation, file_response
from gateway.roles import EXPORT


class ExportsApiRoutes(ExportCalls):
    @api_operation(
        "The export formats (I2): name, label, file type, whether columns apply",
        permission="contacts.export",
        query=schemas.ExportsFormatsQuery,
        responses={200: schemas.ExportFormatList},
        errors=(403,),
    )
    @http("GET", "/api/v1/exports/formats")
    def api_exports_formats(self, request):
        self.api_principal(request, EXPORT)
        return json_response(self.call("exports", "list_formats", request.args.get("language", "en")))

    @api_operation(
        (
            "Start an export job (I2): a format, a selection, columns and the format's options; a worker "
            "writes the file as you, within your data scope, each page of contacts an audited read "
            "naming the fields. 422 names a bad format, option, column or selection; nothing is queued "
            "then"
        ),
        permission="contacts.export",
        body=schemas.StartExportInput,
        responses={202: (schemas.ExportJob, "Queued")},
        errors=(403, 422),
    )
    @http("POST", "/api/v1/exports")
    def api_exports_start(self, request):
        self.api_principal(request, EXPORT)
        job = self.call("exports", "start_export", json_body(request))
        return json_response(job, status=202, headers={"Location": f"/api/v1/exports/{job['id']}"})

    @api_operation(
        (
            "Preview the address labels an export would print (I2, M5), with the same body as starting "
            "one (format labels): the first sheet's labels in print order, each with the contact's "
            "bounce and unsubscribe flags (shown, never printed), and the whole export's counts. Nothing "
            "is queued; an audited read naming the contacts on the labels. 422 for another format or a "
            "bad option or selection"
        ),
        permission="contacts.export",
        body=schemas.StartExportInput,
        responses={200: schemas.LabelPreview},
        errors=(403, 422),
    )
    @http("POST", "/api/v1/exports:preview")
    def api_exports_preview(self, request):
        self.api_principal(request, EXPORT)
        preview = self.call("exports", "preview_labels", json_body(request))
        ids = [label["contact_id"] for label in preview["labels"] if label["contact_id"]]
        flags = self.call("mailing", "flags_of", ids) if ids else {}
        for label in preview["labels"]:
            label["mailing_flags"] = (flags or {}).get(label["contact_id"]) or []
        return json_response(preview)

    @api_operation(
        "Your export jobs, newest first (everyone=true: every user's, users.manage)",
        permission="contacts.export",
        query=schemas.ExportsListQuery,
        responses={200: schemas.ExportJobList},
        errors=(403,),
    )
    @http("GET", "/api/v1/exports")
    def api_exports_list(self, request):
        self.api_principal(request, EXPORT)
        everyone = request.args.get("everyone") in ("1", "true")
        return json_response(self.call("exports", "list_jobs", everyone=everyone))

    @api_operation(
        "One export job: status queued, running (rows_done of rows_total), done or failed",
        permission="contacts.export",
        responses={200: schemas.ExportJob},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/exports/<job_id>")
    def api_exports_get(self, request, job_id):
        self.api_principal(request, EXPORT)
        return json_response(self.call("exports", "get_job", job_id))

    @api_operation(
        "Delete an export job and its file (a running job stops)",
        permission="contacts.export",
        responses={200: "Deleted"},
        errors=(403, 404),
    )
    @http("DELETE", "/api/v1/exports/<job_id>")
    def api_exports_delete(self, request, job_id):
        self.api_principal(request, EXPORT)
        return json_response(self.call("exports", "delete_job", job_id))

    @api_operation(
        "Download a finished export's file (only its creator; an audited read); 409 if the job is not done",
        permission="contacts.export",
        responses={
            200: file_response(
                "application/octet-stream", description="The file (Content-Disposition: attachment)"
            )
        },
        errors=(403, 404, 409),
    )
    @http("GET", "/api/v1/exports/<job_id>/file")
    def api_exports_file(self, request, job_id):
        self.api_principal(request, EXPORT)
        return self.export_file_response(job_id)

    @api_operation(
        (
            "Stream a selection's contacts (I2) as NDJSON (one JSON row per line) or a JSON array, "
            "chunked page by page: any size, within your data scope, each page an audited read. Rows as "
            "in services/exports/contract/rows.py; X-Total-Count gives the number of contacts"
        ),
        permission="contacts.export",
        query=schemas.ExportsStreamQuery,
        responses={
            200: file_response(
                "application/x-ndjson", json=schemas.AnyObject(many=True), description="The rows"
            )
        },
        errors=(403, 404, 422),
    )
    @http("GET", "/api/v1/contacts:export")
    def api_exports_stream(self, request):
        self.api_principal(request, EXPORT)
        return self.export_stream_response(request.args)

    @api_operation(
        "One contact's vCard (.vcf; version=4.0 or 3.0) (I2; an audited read)",
        permission="contacts.export",
        query=schemas.ExportsVcardQuery,
        responses={200: file_response("text/vcard", description="The file")},
        errors=(403, 404, 422),
    )
    @http("GET", "/api/v1/contacts/<contact_id>/vcard")
    def api_exports_vcard(self, request, contact_id):
        self.api_principal(request, EXPORT)
        return self.contact_card_response(
            contact_id, "vcard", {"version": request.args.get("version", "4.0")}
        )

    @api_operation(
        "One contact's vCard as a QR code (image=png or svg) (I2; an audited read)",
        permission="contacts.export",
        query=schemas.ExportsQrQuery,
        responses={200: file_response("image/png", description="The file")},
        errors=(403, 404, 422),
    )
    @http("GET", "/api/v1/contacts/<contact_id>/qr")
    def api_exports_qr(self, request, contact_id):
        self.api_principal(request, EXPORT)
        return self.contact_card_response(contact_id, "qr_vcard", {"image": request.args.get("image", "png")})
