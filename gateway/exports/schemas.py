"""The OpenAPI schemas of the exports API routes (issue 11 item 4): the shapes their
@api_operation declarations name as `schemas.<Name>`; a name imported "as" itself is re-exported for them."""

from marshmallow import Schema, fields

from gateway.openapi import AnyObject as AnyObject
from gateway.openapi import component
from services.exports.contract import ExportJob
from services.exports.contract import StartExportInput as StartExportInput
from services.exports.contract.formats import NoOptions, formats


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


class ExportJobList(Schema):
    items = fields.List(fields.Nested(ExportJob))


class ExportsFormatsQuery(Schema):
    language = fields.String(metadata={"enum": ["fi", "en"]})


class ExportsListQuery(Schema):
    everyone = fields.Boolean()


class ExportsQrQuery(Schema):
    image = fields.String()


class ExportsStreamQuery(Schema):
    format = fields.String(metadata={"enum": ["ndjson", "json"], "default": "ndjson"})
    q = fields.String(metadata={"description": "Free-text search"})
    saved_search = fields.UUID()
    group = fields.UUID()
    include_subgroups = fields.Boolean(metadata={"default": True})
    ids = fields.String(metadata={"description": "Hand-picked contacts: ids separated by commas"})
    exclude_deceased = fields.Boolean(metadata={"default": False})
    exclude_statuses = fields.String(
        metadata={"description": "Leave out people with an active status of these kinds (comma-separated)"}
    )
    columns = fields.String(
        metadata={"description": "custom.<key> columns to add to every row's `custom` (comma-separated)"}
    )
    filters = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "With q: any structured filter of GET /api/v1/contacts as its own argument"},
    )


class ExportsVcardQuery(Schema):
    version = fields.String()


def options_component(name):
    """I2: one component per format that has options (<Format>ExportOptions, e.g. LabelsExportOptions for
    POST /api/v1/exports with format "labels"), so an API user sees every option with its default."""
    return "".join(part.title() for part in name.split("_")) + "ExportOptions"


for export_format in formats():
    if export_format.options is not NoOptions:
        component(options_component(export_format.name), export_format.options)
