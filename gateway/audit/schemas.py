"""The OpenAPI schemas of the audit API routes (issue 11 item 4): the shapes their
@api_operation declarations name as `schemas.<Name>`; a name imported "as" itself is re-exported for them."""

from marshmallow import Schema, fields

from gateway.openapi import component
from services.audit.contract import AuditActor, AuditEvent, AuditEventPage, ChainReport


class AuditEventsCsvQuery(Schema):
    """The audit log's filters (the CSV download takes them alone)."""

    actor = fields.String(metadata={"description": "a user id or username: what they did"})
    action = fields.String(
        metadata={"description": "e.g. contact.viewed, contact.updated, contacts.exported"}
    )
    subject_type = fields.String(metadata={"description": "e.g. contact"})
    subject_id = fields.String(
        metadata={"description": "a contact (or other subject) id: everything done to it"}
    )
    service = fields.String(metadata={"description": "the service that recorded it, e.g. contacts"})
    since = fields.String(
        metadata={"description": "from this day (yyyy-mm-dd, Finnish time) or ISO 8601 timestamp on"}
    )
    until = fields.String(
        metadata={
            "description": "up to and including this day (yyyy-mm-dd), or before this ISO 8601 timestamp"
        }
    )
    request_id = fields.String(metadata={"description": "everything one request caused"})


class AuditEventsQuery(AuditEventsCsvQuery):
    """The filters and one page's place."""

    limit = fields.Integer(metadata={"minimum": 1, "maximum": 500, "default": 50})
    cursor = fields.String(metadata={"description": "next_cursor of the previous page"})


component("AuditLogActor", AuditActor)
component("AuditLogEvent", AuditEvent)
component("AuditEventPageV1", AuditEventPage)
component("AuditChainReport", ChainReport)
