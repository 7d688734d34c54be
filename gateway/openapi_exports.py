"""OpenAPI paths and schemas of exports (I2): /api/v1/exports… and /api/v1/contacts:export."""

from marshmallow import Schema, fields

from gateway.openapi import CONTACT_ID, error_responses, json_content, openapi_paths
from services.exports.contract import ExportJob, StartExportInput


class ExportJobList(Schema):
    items = fields.List(fields.Nested(ExportJob))


class ExportFormat(Schema):
    name = fields.String()
    label = fields.String()
    content_type = fields.String()
    extension = fields.String()
    uses_columns = fields.Boolean(metadata={"description": "Whether `columns` choose what it writes."})
    single_contact = fields.Boolean(metadata={"description": "For exactly one contact (qr_vcard)."})
    default_exclude_deceased = fields.Boolean()


class ExportFormatList(Schema):
    items = fields.List(fields.Nested(ExportFormat))


JOB_ID = {"name": "job_id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
SELECTION_PARAMETERS = [
    {
        "name": "format",
        "in": "query",
        "schema": {"type": "string", "enum": ["ndjson", "json"], "default": "ndjson"},
    },
    {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "Free-text search"},
    {"name": "saved_search", "in": "query", "schema": {"type": "string", "format": "uuid"}},
    {"name": "group", "in": "query", "schema": {"type": "string", "format": "uuid"}},
    {"name": "include_subgroups", "in": "query", "schema": {"type": "boolean", "default": True}},
    {
        "name": "ids",
        "in": "query",
        "schema": {"type": "string"},
        "description": "Hand-picked contacts: ids separated by commas",
    },
    {"name": "exclude_deceased", "in": "query", "schema": {"type": "boolean", "default": False}},
    {
        "name": "exclude_statuses",
        "in": "query",
        "schema": {"type": "string"},
        "description": "Leave out people with an active status of these kinds (comma-separated)",
    },
    {
        "name": "columns",
        "in": "query",
        "schema": {"type": "string"},
        "description": "custom.<key> columns to add to every row's `custom` (comma-separated)",
    },
    {
        "name": "filters",
        "in": "query",
        "style": "form",
        "explode": True,
        "schema": {"type": "object", "additionalProperties": {"type": "string"}},
        "description": "With q: any structured filter of GET /api/v1/contacts as its own argument",
    },
]
FILE = {
    "description": "The file (Content-Disposition: attachment)",
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}


@openapi_paths
def exports_paths(spec, secured):
    for name, schema in (
        ("ExportJob", ExportJob),
        ("StartExportInput", StartExportInput),
        ("ExportJobList", ExportJobList),
        ("ExportFormatList", ExportFormatList),
    ):
        spec.components.schema(name, schema=schema)
    spec.path(
        "/api/v1/exports/formats",
        operations={
            "get": {
                "summary": "The export formats (I2): name, label, file type, whether columns apply",
                "security": secured,
                "parameters": [
                    {"name": "language", "in": "query", "schema": {"type": "string", "enum": ["fi", "en"]}}
                ],
                "responses": {"200": json_content("ExportFormatList"), **error_responses(401, 403, 503)},
            }
        },
    )
    spec.path(
        "/api/v1/exports",
        operations={
            "post": {
                "summary": (
                    "Start an export job (I2): a format, a selection, columns and the format's options; a "
                    "worker writes the file as you, within your data scope, each page of contacts an "
                    "audited read naming the fields. 422 names a bad format, option, column or selection; "
                    "nothing is queued then"
                ),
                "security": secured,
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": "StartExportInput"}},
                },
                "responses": {
                    "202": json_content("ExportJob", "Queued"),
                    **error_responses(401, 403, 422, 503),
                },
            },
            "get": {
                "summary": "Your export jobs, newest first (everyone=true: every user's, users.manage)",
                "security": secured,
                "parameters": [{"name": "everyone", "in": "query", "schema": {"type": "boolean"}}],
                "responses": {"200": json_content("ExportJobList"), **error_responses(401, 403, 503)},
            },
        },
    )
    spec.path(
        "/api/v1/exports/{job_id}",
        operations={
            "get": {
                "summary": "One export job: status queued, running (rows_done of rows_total), done or failed",
                "security": secured,
                "parameters": [JOB_ID],
                "responses": {"200": json_content("ExportJob"), **error_responses(401, 403, 404, 503)},
            },
            "delete": {
                "summary": "Delete an export job and its file (a running job stops)",
                "security": secured,
                "parameters": [JOB_ID],
                "responses": {"200": {"description": "Deleted"}, **error_responses(401, 403, 404, 503)},
            },
        },
    )
    spec.path(
        "/api/v1/exports/{job_id}/file",
        operations={
            "get": {
                "summary": "Download a finished export's file (only its creator; an audited read); 409 if "
                "the job is not done",
                "security": secured,
                "parameters": [JOB_ID],
                "responses": {"200": FILE, **error_responses(401, 403, 404, 409, 503)},
            }
        },
    )
    spec.path(
        "/api/v1/contacts:export",
        operations={
            "get": {
                "summary": (
                    "Stream a selection's contacts (I2) as NDJSON (one JSON row per line) or a JSON array, "
                    "chunked page by page: any size, within your data scope, each page an audited read. "
                    "Rows as in services/exports/contract/rows.py; X-Total-Count gives the number of contacts"
                ),
                "security": secured,
                "parameters": SELECTION_PARAMETERS,
                "responses": {
                    "200": {
                        "description": "The rows",
                        "content": {
                            "application/x-ndjson": {"schema": {"type": "string"}},
                            "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
                        },
                    },
                    **error_responses(401, 403, 404, 422, 503),
                },
            }
        },
    )
    for suffix, summary, content_type, parameter in (
        ("vcard", "One contact's vCard (.vcf; version=4.0 or 3.0)", "text/vcard", "version"),
        ("qr", "One contact's vCard as a QR code (image=png or svg)", "image/png", "image"),
    ):
        spec.path(
            f"/api/v1/contacts/{{contact_id}}/{suffix}",
            operations={
                "get": {
                    "summary": summary + " (I2; an audited read)",
                    "security": secured,
                    "parameters": [
                        CONTACT_ID,
                        {"name": parameter, "in": "query", "schema": {"type": "string"}},
                    ],
                    "responses": {
                        "200": {
                            "description": "The file",
                            "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
                        },
                        **error_responses(401, 403, 404, 422, 503),
                    },
                }
            },
        )
