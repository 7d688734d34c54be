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


class MailingFlag(Schema):
    kind = fields.String(metadata={"description": "bounced or unsubscribed (M5)"})
    since = fields.String(metadata={"description": "The day the address bounced or was unsubscribed."})
    list_id = fields.String(allow_none=True)


class LabelPreviewSheet(Schema):
    key = fields.String()
    columns = fields.Integer()
    rows = fields.Integer()
    per_page = fields.Integer()
    label = fields.String()


class PreviewLabel(Schema):
    slot = fields.Integer(metadata={"description": "The label's place on the first sheet (0 = top left)."})
    contact_id = fields.String()
    couple = fields.Boolean(metadata={"description": "Addressed to the couple (couples once)."})
    lines = fields.List(fields.String(), metadata={"description": "The label's lines as printed."})
    mailing_flags = fields.List(
        fields.Nested(MailingFlag),
        metadata={"description": "The contact's bounce and unsubscribe flags (M5; never printed)."},
    )


class LabelPreviewCounts(Schema):
    labels = fields.Integer()
    pages = fields.Integer()
    skipped_no_address = fields.Integer()
    skipped_couple_partner = fields.Integer()


class LabelPreview(Schema):
    sheet = fields.Nested(LabelPreviewSheet)
    skip = fields.Integer()
    labels = fields.List(fields.Nested(PreviewLabel), metadata={"description": "The first sheet's labels."})
    counts = fields.Nested(LabelPreviewCounts, metadata={"description": "For the whole export."})


class ExportJobList(Schema):
    items = fields.List(fields.Nested(ExportJob))


class ExportsFormatsQuery(Schema):
    language = fields.String(metadata={"enum": ["fi", "sv", "en"]})


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
