"""OpenAPI paths of the audit log (G2, S2): the search, its CSV export and the hash chain check."""

from gateway.openapi import error_responses, json_content, openapi_paths
from services.audit.contract import SEARCH_FILTERS, AuditActor, AuditEvent, AuditEventPage, ChainReport

FILTER_HELP = {
    "actor": "a user id or username: what they did",
    "action": "e.g. contact.viewed, contact.updated, contacts.exported",
    "service": "the service that recorded it, e.g. contacts",
    "subject_type": "e.g. contact",
    "subject_id": "a contact (or other subject) id: everything done to it",
    "since": "from this day (yyyy-mm-dd, Finnish time) or ISO 8601 timestamp on",
    "until": "up to and including this day (yyyy-mm-dd), or before this ISO 8601 timestamp",
    "request_id": "everything one request caused",
}
FILTERS = [
    {"name": name, "in": "query", "schema": {"type": "string"}, "description": FILTER_HELP[name]}
    for name in SEARCH_FILTERS
]
PAGING = [
    {
        "name": "limit",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50},
    },
    {
        "name": "cursor",
        "in": "query",
        "schema": {"type": "string"},
        "description": "next_cursor of the previous page",
    },
]


@openapi_paths
def audit_paths(spec, secured):
    spec.components.schema("AuditLogActor", schema=AuditActor)
    spec.components.schema("AuditLogEvent", schema=AuditEvent)
    spec.components.schema("AuditEventPageV1", schema=AuditEventPage)
    spec.components.schema("AuditChainReport", schema=ChainReport)
    op = {"security": secured, "tags": ["audit"]}
    spec.path(
        "/api/v1/audit/events",
        operations={
            "get": {
                **op,
                "summary": (
                    "G2: search the audit log (audit.view), newest first; every filter given must match; "
                    "the search itself is recorded (audit.searched)"
                ),
                "parameters": [*FILTERS, *PAGING],
                "responses": {"200": json_content("AuditEventPageV1"), **error_responses(401, 403, 422, 503)},
            }
        },
    )
    spec.path(
        "/api/v1/audit/events.csv",
        operations={
            "get": {
                **op,
                "summary": (
                    "G2: the search as CSV (audit.view; recorded as audit.exported with the filters); cells "
                    "starting with = + - @ get a leading ' so spreadsheets do not run them; at most 100,000 "
                    "rows (header X-Piiri-Truncated: true when there were more)"
                ),
                "parameters": FILTERS,
                "responses": {
                    "200": {
                        "description": "CSV (UTF-8 with BOM)",
                        "content": {"text/csv": {"schema": {"type": "string"}}},
                    },
                    **error_responses(401, 403, 422, 503),
                },
            }
        },
    )
    spec.path(
        "/api/v1/audit/verify",
        operations={
            "get": {
                **op,
                "summary": (
                    "S2: verify the audit log's hash chain (audit.view and users.manage): altered, removed, "
                    "reordered records and a truncated tail; an intact chain is recorded as a checkpoint"
                ),
                "responses": {"200": json_content("AuditChainReport"), **error_responses(401, 403, 503)},
            }
        },
    )
