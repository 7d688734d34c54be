"""The OpenAPI schemas of the imports API routes (issue 11 item 4): the shapes their
@api_operation declarations name as `schemas.<Name>`; a name imported "as" itself is re-exported for them."""

from marshmallow import Schema, fields

from gateway.openapi import AnyObject as AnyObject
from services.contacts.contract import ContactInput
from services.imports.contract import ImportJob, ImportOptions


class ContactsBatchBody(Schema):
    contacts = fields.List(fields.Nested(ContactInput), required=True, metadata={"maxItems": 5000})
    options = fields.Nested(ImportOptions)


class ContactsBatchResponseRowsItem(Schema):
    row = fields.Integer(metadata={"description": "1-based position in the request (or the file's row)"})
    action = fields.String(metadata={"enum": ["created", "updated", "unchanged", "skipped", "error"]})
    contact_id = fields.UUID()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class ContactsBatchResponse(Schema):
    import_ = fields.Nested(ImportJob, data_key="import")
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    skipped = fields.Integer()
    errors = fields.Integer()
    rows = fields.List(fields.Nested(ContactsBatchResponseRowsItem))


class ImportsCreateQuery(Schema):
    filename = fields.String()
    sheet = fields.String()


class ImportsCreateForm(Schema):
    file = fields.String(metadata={"format": "binary"})


class ImportUploaded(ImportJob):
    remembered = fields.Boolean(metadata={"description": "the mapping was remembered from an earlier file"})


class ImportsErrorsQuery(Schema):
    limit = fields.Integer()
    offset = fields.Integer()


class ImportsListQuery(Schema):
    limit = fields.Integer(metadata={"default": 50})


class ImportsListResponse(Schema):
    items = fields.List(fields.Nested(ImportJob))


class ImportsMappingBody(Schema):
    mapping = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True))
    options = fields.Nested(ImportOptions)


class ImportsStartBody(Schema):
    commit_mode = fields.String(metadata={"enum": ["all_or_nothing", "valid_rows"]})
