"""The address label export (I2): A4 label sheets (3×7, 3×8, 2×7, 3×10 and two with gaps) in the Finnish
postal layout, couples addressed once, deceased left out by default, rows without a usable postal address
skipped and counted. Drawing is services/exports/layout/labels.py; this module is its writer
(the options: services/exports/contract/formats.py)."""

from services.exports.contract.sheets import LABEL_SHEETS
from services.exports.formats import export_format
from services.exports.layout.address import AddressOptions
from services.exports.layout.labels import write_labels

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


def label_sheet(options):
    return LABEL_SHEETS[options["sheet"]].with_margins(options.get("top_mm"), options.get("left_mm"))


def address_options(options):
    """The label's address choices from the format's (loaded) options."""
    return AddressOptions(
        honorific=options["honorific"],
        title=options["job_title"],
        organisation=options["organisation"],
        address_kind=options["address_kind"],
        one_per_couple=options["one_per_couple"],
    )


@export_format("labels")
def write(rows, options, out, language):
    address = address_options(options)
    counts = write_labels(
        rows,
        out,
        label_sheet(options),
        skip=options["skip"],
        font_size=options["font_size"],
        address=address,
        language=language,
        outline=options["outline"],
        title={"fi": "Osoitetarrat", "sv": "Adressetiketter"}.get(language, "Address labels"),
    )
    notes = counts.notes()
    return {
        "rows_written": counts.labels,
        "notes": {key: notes[key] for key in ("skipped_no_address", "skipped_couple_partner") if notes[key]},
    }
