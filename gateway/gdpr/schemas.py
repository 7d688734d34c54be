"""The OpenAPI schemas of the gdpr API routes (issue 11 item 4): the shapes their
@api_operation declarations name as `schemas.<Name>`; a name imported "as" itself is re-exported for them."""

from marshmallow import Schema, fields

from gateway.openapi import AnyObject as AnyObject
from services.contacts.erasure.contract import Erasure
from services.contacts.erasure.contract import ErasureInput as ErasureInput


class GdprAccessReportQuery(Schema):
    format = fields.String(metadata={"enum": ["json", "pdf"], "default": "json"})
    language = fields.String(
        metadata={"enum": ["fi", "sv", "en"], "description": "of the PDF; default the user's language"}
    )


class GdprErasuresQuery(Schema):
    limit = fields.Integer(metadata={"minimum": 1, "maximum": 200, "default": 25})
    cursor = fields.String(metadata={"description": "next_cursor of the previous page"})
    pending = fields.String(metadata={"enum": ["true", "false"]})


class GdprErasuresResponse(Schema):
    items = fields.List(fields.Nested(Erasure))
    next_cursor = fields.String(allow_none=True)
