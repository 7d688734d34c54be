"""Address label sheets drawn straight on a reportlab canvas (I2): one label per row in the Finnish postal
layout, couples once, rows without a usable address skipped and counted, text shrunk to fit each label.
Streams: the rows are read one at a time; only the couple ids seen are kept."""

from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from piiri.pdf_fonts import fonts
from services.exports.contract.sheets import placements
from services.exports.layout.address import AddressOptions, CoupleFilter, label_lines
from services.exports.layout.canvas import CompactCanvas
from services.exports.layout.fit import LEADING, clip, fit_size, wrap

PADDING_X = 5 * mm  # printers leave the sheet's edge white; labels are cut edge to edge
PADDING_Y = 3 * mm
MIN_SIZE = 6.0


@dataclass
class LabelCounts:
    labels: int = 0
    pages: int = 0
    no_address: int = 0
    couple_partners: int = 0

    def notes(self):
        return {
            "labels": self.labels,
            "pages": self.pages,
            "skipped_no_address": self.no_address,
            "skipped_couple_partner": self.couple_partners,
        }


def _fitted_lines(lines, font, size, inner_w, inner_h):
    """(size, lines): one line each at the largest size that fits; if even the smallest size is too
    narrow for a line, the largest size at which the lines, wrapped, fit the height."""
    fitted = fit_size(lines, font, size, inner_w, inner_h, MIN_SIZE)
    if all(stringWidth(line, font, fitted) <= inner_w for line in lines):
        return fitted, lines
    trial = size
    while True:
        wrapped = [part for line in lines for part in wrap(line, font, trial, inner_w)]
        if len(wrapped) * trial * LEADING <= inner_h or trial <= MIN_SIZE:
            return trial, wrapped
        trial = max(MIN_SIZE, trial - 0.5)


def label_layout(lines, box, font, size):
    """[(x, y, text)] of the lines of one label centred vertically in `box` (x, y, w, h), the font size
    shrunk so that the longest line fits the width and the block the height (a line too long even at the
    smallest size is wrapped; what still does not fit is clipped with an ellipsis)."""
    x, y, width, height = box
    inner_w, inner_h = width - 2 * PADDING_X, height - 2 * PADDING_Y
    size, lines = _fitted_lines(lines, font, size, inner_w, inner_h)
    leading = size * LEADING
    block = leading * len(lines)
    baseline = y + height / 2 + block / 2 - size  # the first baseline: the block centred
    return size, [
        (x + PADDING_X, baseline - index * leading, clip(line, font, size, inner_w))
        for index, line in enumerate(lines)
    ]


def label_plan(rows, sheet, counts, *, skip=0, address=AddressOptions(), language="fi"):
    """The labels the rows make, in print order: (page, slot, row, lines) for each row that gets one
    (couples once, rows without a usable address counted in ``counts`` and left out). The PDF
    (write_labels) and the on-screen preview (services/exports/label_preview.py) both follow this, so
    they cannot disagree about who is on which label."""
    couples = CoupleFilter(address.one_per_couple)
    spots = placements(sheet, skip)
    for row in rows:
        if couples.done(row):
            counts.couple_partners += 1
            continue
        lines = label_lines(row, address, language, as_couple=couples.as_couple(row))
        if lines is None:
            counts.no_address += 1
            continue
        couples.printed(row)
        page, slot = next(spots)
        counts.labels += 1
        counts.pages = page + 1
        yield page, slot, row, lines


def write_labels(
    rows,
    out,
    sheet,
    *,
    skip=0,
    font_size=10.0,
    address=AddressOptions(),
    language="fi",
    outline=False,
    title="Piiri",
):
    """Draw a label for each usable row onto A4 sheets of `sheet`, writing the PDF to `out`; the first
    `skip` labels of the first sheet are left empty. Returns the counts (labels, pages, rows skipped)."""
    regular, _ = fonts()
    canvas = CompactCanvas(out, pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    counts = LabelCounts()
    page = 0
    for label_page, slot, _row, lines in label_plan(
        rows, sheet, counts, skip=skip, address=address, language=language
    ):
        if label_page != page:
            canvas.showPage()
            page = label_page
        box = sheet.box(slot)
        if outline:
            canvas.setLineWidth(0.25)
            canvas.rect(*box)
        size, placed = label_layout(lines, box, regular, font_size)
        canvas.setFont(regular, size)
        for x, y, text in placed:
            canvas.drawString(x, y, text)
    canvas.showPage()
    canvas.save()
    counts.pages = page + 1
    return counts
