"""The name card / badge export (I2): A4 sheets of cards (2×4 of 90×55 mm, 2×5 of 85×54 mm) with the name
big, title, organisation, an optional event title line and an optional QR code of the contact's vCard; cut
marks in the margins. Drawing is services/exports/layout/cards.py; this module is the badge's
vCard and the writer (the options: services/exports/contract/formats.py)."""

from services.exports.contract.sheets import CARD_SHEETS
from services.exports.formats import export_format
from services.exports.formats.vcard import card_lines, fold
from services.exports.layout.cards import CardOptions, write_cards

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


@export_format("name_cards")
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
        title={"fi": "Nimikortit", "sv": "Namnkort"}.get(language, "Name cards"),
    )
    return {"rows_written": cards}
