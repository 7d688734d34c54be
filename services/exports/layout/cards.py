"""Name cards and badges on A4 sheets drawn on a reportlab canvas (I2): an optional event title, the name
big (preferred or first name + last name), the title, the organisation, an optional QR code with the
contact's vCard, and cut marks in the page margins. Streams the rows one at a time."""

from dataclasses import dataclass

import segno
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader

from piiri.pdf_fonts import fonts
from services.exports.contract.sheets import placements
from services.exports.layout.canvas import CompactCanvas
from services.exports.layout.fit import LEADING, clip, fit_size

PADDING = 5 * mm
QR_SCALE = 3  # pixels per QR module in the embedded image (drawn without smoothing)
CUT_MARK = 5 * mm  # length of a cut mark
CUT_GAP = 1.5 * mm  # space between a cut mark and the card grid


@dataclass(frozen=True)
class CardOptions:
    name_size: float = 20.0
    event_title: str = ""
    qr: bool = False
    cut_marks: bool = True


def card_texts(row):
    """(name, title, organisation) of a card; organisations show their own name."""
    if row.get("kind") == "organisation":
        return (row.get("organisation_name") or row.get("display_name") or "").strip(), "", ""
    given = row.get("preferred_name") or row.get("first_name")
    name = " ".join(part.strip() for part in (given, row.get("last_name")) if part and part.strip())
    organisation = row.get("organisation") or row.get("organisation_name") or ""
    return name or (row.get("display_name") or ""), (row.get("title") or "").strip(), organisation.strip()


def qr_image(text):
    """The QR code of `text` as a grey image reportlab can draw (QR_SCALE pixels a module, no quiet zone:
    the card around it is white), and the number of modules across it."""
    code = segno.make(text, error="m", micro=False)
    modules = code.symbol_size(scale=1, border=0)[0]
    image = Image.new("L", (modules, modules), 255)
    image.putdata([0 if dark else 255 for row in code.matrix for dark in row])
    image = image.resize((modules * QR_SCALE, modules * QR_SCALE), Image.Resampling.NEAREST)
    return ImageReader(image), modules


def cut_marks(canvas, sheet):
    """Short lines in the margins in line with every card edge, so a stack of sheets can be cut."""
    left, top = sheet.left * mm, A4[1] - sheet.top * mm
    grid_w, grid_h = (size * mm for size in sheet.grid_size())
    right, bottom = left + grid_w, top - grid_h
    xs = sorted(
        {left + c * (sheet.width + sheet.gap_x) * mm for c in range(sheet.columns)}
        | {left + c * (sheet.width + sheet.gap_x) * mm + sheet.width * mm for c in range(sheet.columns)}
    )
    ys = sorted(
        {top - r * (sheet.height + sheet.gap_y) * mm for r in range(sheet.rows)}
        | {top - r * (sheet.height + sheet.gap_y) * mm - sheet.height * mm for r in range(sheet.rows)}
    )
    canvas.setLineWidth(0.3)
    lines = []
    for x in xs:
        lines.append((x, top + CUT_GAP, x, top + CUT_GAP + CUT_MARK))
        lines.append((x, bottom - CUT_GAP, x, bottom - CUT_GAP - CUT_MARK))
    for y in ys:
        lines.append((left - CUT_GAP, y, left - CUT_GAP - CUT_MARK, y))
        lines.append((right + CUT_GAP, y, right + CUT_GAP + CUT_MARK, y))
    canvas.lines(lines)


def draw_card(canvas, box, row, options, qr_text=None):
    """One card in `box` (x, y, w, h): event line at the top, the name, title and organisation below it,
    the QR code (if asked and `qr_text` given) in the lower right corner."""
    regular, bold = fonts()
    x, y, width, height = box
    text_w = width - 2 * PADDING
    if options.qr and qr_text is not None:
        side = min(height * 0.45, 24 * mm)
        image, _ = qr_image(qr_text(row))
        canvas.drawImage(image, x + width - PADDING - side, y + PADDING, side, side)
        text_w_lower = text_w - side - 2 * mm  # the title/organisation lines beside the code
    else:
        text_w_lower = text_w
    cursor = y + height - PADDING
    if options.event_title:
        size = fit_size([options.event_title], bold, 9, text_w, min_size=6)
        cursor -= size
        canvas.setFont(bold, size)
        canvas.drawString(x + PADDING, cursor, clip(options.event_title, bold, size, text_w))
        cursor -= size * 0.8
    name, title, organisation = card_texts(row)
    size = fit_size([name], bold, options.name_size, text_w, min_size=9)
    cursor -= size * 1.05
    canvas.setFont(bold, size)
    canvas.drawString(x + PADDING, cursor, clip(name, bold, size, text_w))
    cursor -= size * 0.35
    for text, font, line_size in ((title, regular, 10.0), (organisation, bold, 10.0)):
        if not text:
            continue
        fitted = fit_size([text], font, line_size, text_w_lower, min_size=6)
        cursor -= fitted * LEADING
        canvas.setFont(font, fitted)
        canvas.drawString(x + PADDING, cursor, clip(text, font, fitted, text_w_lower))


def write_cards(rows, out, sheet, *, options=CardOptions(), qr_text=None, skip=0, title="Piiri"):
    """Draw a card for each row onto A4 sheets of `sheet` (the first `skip` cards left empty), writing the
    PDF to `out`; `qr_text(row)` gives the vCard text of the QR code. Returns (cards, pages)."""
    canvas = CompactCanvas(out, pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    spots = placements(sheet, skip)
    page, cards = 0, 0
    if options.cut_marks:
        cut_marks(canvas, sheet)
    for row in rows:
        card_page, slot = next(spots)
        if card_page != page:
            canvas.showPage()
            page = card_page
            if options.cut_marks:
                cut_marks(canvas, sheet)
        draw_card(canvas, sheet.box(slot), row, options, qr_text)
        cards += 1
    canvas.showPage()
    canvas.save()
    return cards, page + 1
