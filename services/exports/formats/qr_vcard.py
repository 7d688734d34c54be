"""The QR vCard export (I2): one contact's vCard 3.0 in a QR code (PNG or SVG) a phone camera can read.

vCard 3.0 because phone cameras read it most widely; the lists are cut to what fits a readable code.
"""

import segno

from piiri.errors import ValidationFailed
from services.exports.formats import export_format
from services.exports.formats.vcard import card

MAX_ENTRIES = 3  # of each list, so the code stays scannable


def qr_text(row):
    short = {key: (row.get(key) or [])[:MAX_ENTRIES] for key in ("emails", "phones", "addresses")}
    return card({**row, **short, "tags": []}, "3.0")


def write_qr(row, out, image="png", scale=6):
    code = segno.make(qr_text(row), error="m", micro=False)
    code.save(out, kind=image, scale=scale, border=4)


@export_format("qr_vcard")
def write(rows, options, out, language):
    first = next(iter(rows), None)
    if first is None:
        raise ValidationFailed("exp.err.one_contact", {"selection": ["exp.err.one_contact"]})
    write_qr(first, out, options["image"], options["scale"])
    if options["image"] == "svg":
        return {"content_type": "image/svg+xml", "extension": "svg"}
    return None
