"""OpenAPI paths of imports (I1): /api/v1/imports … and POST /api/v1/contacts:batch."""

from gateway.openapi import error_responses, openapi_paths
from services.imports.contract import ImportJob, ImportOptions

IMPORT_ID = {
    "name": "import_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "format": "uuid"},
}
JOB = {"$ref": "#/components/schemas/ImportJob"}
ROW_RESULT = {
    "type": "object",
    "properties": {
        "row": {"type": "integer", "description": "1-based position in the request (or the file's row)"},
        "action": {"type": "string", "enum": ["created", "updated", "unchanged", "skipped", "error"]},
        "contact_id": {"type": "string", "format": "uuid"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
}
COUNTS = {key: {"type": "integer"} for key in ("created", "updated", "unchanged", "skipped", "errors")}


def _json(schema, description="OK"):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


@openapi_paths
def import_paths(spec, secured):
    spec.components.schema("ImportJob", schema=ImportJob)
    spec.components.schema("ImportOptions", schema=ImportOptions)
    read, write = error_responses(401, 403, 404, 503), error_responses(401, 403, 404, 409, 422, 503)
    op = {"security": secured}
    options = {"$ref": "#/components/schemas/ImportOptions"}
    spec.path(
        "/api/v1/contacts:batch",
        operations={
            "post": {
                **op,
                "summary": "I1: create or update up to 5,000 contacts at once (the import pipeline: "
                "duplicate matching, group, consents; all_or_nothing or valid_rows), per-row results",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["contacts"],
                                "properties": {
                                    "contacts": {
                                        "type": "array",
                                        "maxItems": 5000,
                                        "items": {"$ref": "#/components/schemas/ContactInput"},
                                    },
                                    "options": options,
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {
                                "import": JOB,
                                **COUNTS,
                                "rows": {"type": "array", "items": ROW_RESULT},
                            },
                        }
                    ),
                    **write,
                },
            },
        },
    )
    spec.path(
        "/api/v1/imports",
        operations={
            "get": {
                **op,
                "summary": "I1: recent imports",
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "default": 50}}
                ],
                "responses": {
                    "200": _json(
                        {"type": "object", "properties": {"items": {"type": "array", "items": JOB}}}
                    ),
                    **read,
                },
            },
            "post": {
                **op,
                "summary": "I1: upload an .xlsx, .csv or .vcf (multipart field 'file', or the body "
                "with ?filename=); answers the job with its headers and proposed mapping",
                "parameters": [
                    {"name": "filename", "in": "query", "schema": {"type": "string"}},
                    {"name": "sheet", "in": "query", "schema": {"type": "string"}},
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "properties": {"file": {"type": "string", "format": "binary"}},
                            }
                        },
                        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
                    },
                },
                "responses": {"201": _json(JOB, "Uploaded"), **write},
            },
        },
    )
    spec.path(
        "/api/v1/imports/fields",
        operations={
            "get": {
                **op,
                "summary": "I1: the fields a column can be mapped to (standard, lists, custom)",
                "responses": {"200": _json({"type": "object"}), **read},
            }
        },
    )
    spec.path(
        "/api/v1/imports/{import_id}",
        operations={
            "get": {
                **op,
                "summary": "I1: an import's status, progress and counts",
                "parameters": [IMPORT_ID],
                "responses": {"200": _json(JOB), **read},
            }
        },
    )
    spec.path(
        "/api/v1/imports/{import_id}/mapping",
        operations={
            "put": {
                **op,
                "summary": "I1: choose the mapping ({column: field key or null}) and options; "
                "remembered for files with the same columns",
                "parameters": [IMPORT_ID],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "mapping": {
                                        "type": "object",
                                        "additionalProperties": {"type": "string", "nullable": True},
                                    },
                                    "options": options,
                                },
                            }
                        }
                    },
                },
                "responses": {"200": _json(JOB), **write},
            }
        },
    )
    spec.path(
        "/api/v1/imports/{import_id}/preview",
        operations={
            "get": {
                **op,
                "summary": "I1: the first 20 rows as they will be stored, with their errors",
                "parameters": [IMPORT_ID],
                "responses": {"200": _json({"type": "object"}), **read},
            }
        },
    )
    for action, summary in (
        ("validate", "I1: validate every row in the background (progress in GET /api/v1/imports/{id})"),
        (
            "start",
            "I1: commit in the background; with errors, all_or_nothing is refused (409) unless "
            "commit_mode 'valid_rows' is given",
        ),
        ("cancel", "I1: stop an unfinished import"),
        ("undo", "I1: undo the whole import (409 with the changed contacts if any changed since)"),
    ):
        body = (
            {
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "commit_mode": {
                                        "type": "string",
                                        "enum": ["all_or_nothing", "valid_rows"],
                                    }
                                },
                            }
                        }
                    }
                }
            }
            if action == "start"
            else {}
        )
        code = "202" if action in ("validate", "start") else "200"
        spec.path(
            f"/api/v1/imports/{{import_id}}/{action}",
            operations={
                "post": {
                    **op,
                    "summary": summary,
                    "parameters": [IMPORT_ID],
                    **body,
                    "responses": {code: _json(JOB), **write},
                }
            },
        )
    spec.path(
        "/api/v1/imports/{import_id}/errors",
        operations={
            "get": {
                **op,
                "summary": "I1: the rows with errors, per column",
                "parameters": [
                    IMPORT_ID,
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                    {"name": "offset", "in": "query", "schema": {"type": "integer"}},
                ],
                "responses": {"200": _json({"type": "object"}), **read},
            }
        },
    )
    spec.path(
        "/api/v1/imports/{import_id}/errors.xlsx",
        operations={
            "get": {
                **op,
                "summary": "I1: the error report as Excel, the errors beside the rows",
                "parameters": [IMPORT_ID],
                "responses": {
                    "200": {
                        "description": "The .xlsx file",
                        "content": {
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                                "schema": {"type": "string", "format": "binary"}
                            }
                        },
                    },
                    **read,
                },
            }
        },
    )
