"""The address label export (I2): A4 label sheets (3×7, 3×8, 2×7, 3×10 and two with gaps) in the Finnish
postal layout, couples addressed once, deceased left out by default, rows without a usable postal address
skipped and counted. Drawing is services/exports/layout/labels.py; this module is its options and
registration."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.exports.formats import export_format
from services.exports.layout.address import AddressOptions
from services.exports.layout.labels import write_labels
from services.exports.layout.sheets import DEFAULT_LABEL_SHEET, LABEL_SHEETS

ADDRESS_KINDS = ("primary", "home", "work", "postal", "billing", "other")
# The row fields a label is made of (what the export needs to read, for data minimisation).
READS = (
    "kind",
    "display_name",
    "first_name",
    "preferred_name",
    "last_name",
    "organisation_name",
    "honorific",
    "title",
    "organisation",
    "street",
    "postal_code",
    "city",
    "country",
    "addresses",
    "couple",
)


class LabelOptions(Schema):
    sheet = fields.String(
        load_default=DEFAULT_LABEL_SHEET,
        validate=validate.OneOf(list(LABEL_SHEETS)),
        metadata={
            "description": "The label sheet: "
            + "; ".join(f"{key} = {sheet.label}" for key, sheet in LABEL_SHEETS.items())
            + "."
        },
    )
    top_mm = fields.Float(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=0, max=60),
        metadata={"description": "Top page margin in mm to the first row of labels (default: the sheet's)."},
    )
    left_mm = fields.Float(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=0, max=60),
        metadata={"description": "Left page margin in mm to the first column (default: the sheet's)."},
    )
    skip = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0),
        metadata={"description": "Labels already used on the first sheet: printing starts after them."},
    )
    font_size = fields.Float(
        load_default=10.0,
        validate=validate.Range(min=6, max=16),
        metadata={"description": "Font size in points (6–16); a long line shrinks to fit its label."},
    )
    honorific = fields.Boolean(
        load_default=True, metadata={"description": "Print the honorific (e.g. 'tri') before the name."}
    )
    job_title = fields.Boolean(
        load_default=False, metadata={"description": "Print the job title under the name."}
    )
    organisation = fields.Boolean(
        load_default=False, metadata={"description": "Print the person's organisation under the name."}
    )
    one_per_couple = fields.Boolean(
        load_default=True,
        metadata={"description": "One label per couple, addressed to both ('Anna ja Matti Virtanen')."},
    )
    address_kind = fields.String(
        load_default="primary",
        validate=validate.OneOf(ADDRESS_KINDS),
        metadata={"description": "Which address: the primary one, or the first of a kind (e.g. postal)."},
    )
    outline = fields.Boolean(
        load_default=False, metadata={"description": "Draw each label's outline (for a test print)."}
    )

    @validates_schema
    def _fits(self, data, **kwargs):
        sheet = LABEL_SHEETS.get(data.get("sheet"))
        if sheet is None:
            return
        if data.get("skip", 0) >= sheet.per_page:
            raise ValidationError(
                f"A {sheet.key} sheet has {sheet.per_page} labels: skip at most {sheet.per_page - 1}.", "skip"
            )
        problem = sheet.with_margins(data.get("top_mm"), data.get("left_mm")).overhang()
        if problem:
            field = "left_mm" if "left" in problem else "top_mm"
            raise ValidationError(problem + " Otherwise the labels fall off the page.", field)


def label_sheet(options):
    return LABEL_SHEETS[options["sheet"]].with_margins(options.get("top_mm"), options.get("left_mm"))


@export_format(
    "labels",
    content_type="application/pdf",
    extension="pdf",
    label_fi="Osoitetarrat (PDF)",
    label_en="Address labels (PDF)",
    options=LabelOptions,
    default_exclude_deceased=True,
    uses_columns=False,
)
def write(rows, options, out, language):
    address = AddressOptions(
        honorific=options["honorific"],
        title=options["job_title"],
        organisation=options["organisation"],
        address_kind=options["address_kind"],
        one_per_couple=options["one_per_couple"],
    )
    counts = write_labels(
        rows,
        out,
        label_sheet(options),
        skip=options["skip"],
        font_size=options["font_size"],
        address=address,
        language=language,
        outline=options["outline"],
        title="Osoitetarrat" if language == "fi" else "Address labels",
    )
    notes = counts.notes()
    return {
        "rows_written": counts.labels,
        "notes": {key: notes[key] for key in ("skipped_no_address", "skipped_couple_partner") if notes[key]},
    }
