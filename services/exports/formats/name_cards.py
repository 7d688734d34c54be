"""The name card / badge export (I2): A4 sheets of cards (2×4 of 90×55 mm, 2×5 of 85×54 mm) with the name
big, title, organisation, an optional event title line and an optional QR code of the contact's vCard; cut
marks in the margins. Drawing is services/exports/layout/cards.py; this module is its options, the badge's
vCard and registration."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.exports.formats import export_format
from services.exports.formats.vcard import card_lines, fold
from services.exports.layout.cards import CardOptions, write_cards
from services.exports.layout.sheets import CARD_SHEETS, DEFAULT_CARD_SHEET

# The row fields a card and its QR code are made of (what the export needs to read).
READS = (
    "kind",
    "display_name",
    "first_name",
    "middle_name",
    "preferred_name",
    "last_name",
    "honorific",
    "organisation_name",
    "title",
    "organisation",
    "email",
    "phone",
    "emails",
    "phones",
    "website",
)


class NameCardOptions(Schema):
    sheet = fields.String(
        load_default=DEFAULT_CARD_SHEET,
        validate=validate.OneOf(list(CARD_SHEETS)),
        metadata={
            "description": "The card sheet: "
            + "; ".join(f"{key} = {sheet.label}" for key, sheet in CARD_SHEETS.items())
            + "."
        },
    )
    event_title = fields.String(
        load_default="",
        validate=validate.Length(max=120),
        metadata={"description": "A line at the top of every card, e.g. the event's name."},
    )
    qr = fields.Boolean(
        load_default=False,
        metadata={
            "description": "A QR code of the contact's vCard (name, organisation, title, primary e-mail "
            "and phone, website: what a badge may show)."
        },
    )
    name_size = fields.Float(
        load_default=20.0,
        validate=validate.Range(min=10, max=36),
        metadata={"description": "Font size of the name in points (a long name shrinks to fit)."},
    )
    cut_marks = fields.Boolean(load_default=True, metadata={"description": "Cut marks in the margins."})
    skip = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0),
        metadata={"description": "Cards already used on the first sheet: printing starts after them."},
    )

    @validates_schema
    def _skip_fits(self, data, **kwargs):
        sheet = CARD_SHEETS.get(data.get("sheet"))
        if sheet is not None and data.get("skip", 0) >= sheet.per_page:
            raise ValidationError(
                f"A {sheet.key} sheet has {sheet.per_page} cards: skip at most {sheet.per_page - 1}.", "skip"
            )


def _primary(entries):
    return [entry for entry in entries or () if entry.get("primary")][:1]


def badge_vcard(row):
    """The vCard 3.0 in a badge's QR code: only what a badge may show to anyone who scans it (no home
    address, birth date, secondary e-mails and phones, nor Piiri's id: a short code scans best)."""
    badge_row = {
        **row,
        "emails": _primary(row.get("emails")),
        "phones": _primary(row.get("phones")),
        "addresses": [],
        "birth_date": None,
        "tags": [],
    }
    return "".join(fold(line) for line in card_lines(badge_row, "3.0") if not line.startswith("UID:"))


@export_format(
    "name_cards",
    content_type="application/pdf",
    extension="pdf",
    label_fi="Nimikortit ja -kyltit (PDF)",
    label_en="Name cards and badges (PDF)",
    options=NameCardOptions,
    default_exclude_deceased=True,
    uses_columns=False,
)
def write(rows, options, out, language):
    card_options = CardOptions(
        name_size=options["name_size"],
        event_title=options["event_title"].strip(),
        qr=options["qr"],
        cut_marks=options["cut_marks"],
    )
    cards, _ = write_cards(
        rows,
        out,
        CARD_SHEETS[options["sheet"]],
        options=card_options,
        qr_text=badge_vcard,
        skip=options["skip"],
        title="Nimikortit" if language == "fi" else "Name cards",
    )
    return {"rows_written": cards}
