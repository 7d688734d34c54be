"""A PDF list drawn straight on a reportlab canvas (I2): a title and generation time, a table of the chosen
columns whose header row repeats on every page, long text wrapped inside its cell, and "sivu 1/12" page
numbers (the total is a form drawn once at the end and referenced from every page, so rows stream: only
the current row is held, never the document's flowables)."""

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from piiri.pdf_fonts import fonts
from services.exports.layout.canvas import CompactCanvas
from services.exports.layout.fit import clip, wrap

MARGIN = 12 * mm
CELL_PAD = 1.2 * mm
MAX_CELL_LINES = 8
LANDSCAPE_FROM = 7  # columns: more than this many turn the page sideways when orientation is "auto"
PAGE_WORD = {"fi": "sivu", "sv": "sida", "en": "page"}
TOTAL_FORM = "piiri_total_pages"
SHADE = colors.Color(0.94, 0.95, 0.97)
RULE = colors.Color(0.7, 0.72, 0.76)


@dataclass(frozen=True)
class TableStyle:
    font_size: float = 8.0
    header_size: float = 8.0
    title_size: float = 14.0
    leading: float = 1.2
    zebra: bool = True


def page_size(columns, orientation="auto"):
    """A4 upright, or sideways for "landscape" and for "auto" with many columns."""
    sideways = orientation == "landscape" or (orientation == "auto" and columns > LANDSCAPE_FROM)
    return landscape(A4) if sideways else A4


def column_widths(weights, total, minimums=None):
    """Widths in points of columns sharing `total` points by their relative weights, each at least its
    minimum (e.g. its header's longest word) while the minimums fit at all."""
    minimums = list(minimums or [0.0] * len(weights))
    if sum(minimums) >= total:
        whole = sum(minimums) or 1
        return [total * minimum / whole for minimum in minimums]
    fixed = {}
    while True:
        free = total - sum(fixed.values())
        open_weight = sum(weight for index, weight in enumerate(weights) if index not in fixed) or 1
        short = [
            index
            for index, weight in enumerate(weights)
            if index not in fixed and free * weight / open_weight < minimums[index]
        ]
        if not short:
            return [
                fixed[index] if index in fixed else free * weight / open_weight
                for index, weight in enumerate(weights)
            ]
        for index in short:
            fixed[index] = minimums[index]


class TableWriter:
    """Draws the list page by page; `add(cells)` places one row, `finish()` writes the page totals."""

    def __init__(
        self, out, headers, weights, *, title, subtitle, language="fi", orientation="auto", style=TableStyle()
    ):
        self.regular, self.bold = fonts()
        self.style, self.language = style, language
        self.title, self.subtitle = title, subtitle
        self.headers = headers
        self.size = page_size(len(headers), orientation)
        self.canvas = CompactCanvas(out, pagesize=self.size, pageCompression=1)
        self.canvas.setTitle(title)
        longest_words = [
            max((stringWidth(word, self.bold, style.header_size) for word in text.split()), default=0)
            + 2 * CELL_PAD
            for text in headers
        ]
        self.widths = column_widths(weights, self.size[0] - 2 * MARGIN, longest_words)
        self.header_lines = [
            self._wrap(text, self.bold, style.header_size, width)
            for text, width in zip(headers, self.widths, strict=True)
        ]
        self.pages, self.rows, self.y = 0, 0, None

    def _wrap(self, text, font, size, width):
        return wrap(text, font, size, width - 2 * CELL_PAD, MAX_CELL_LINES)

    def _row_height(self, cell_lines, size):
        return max((len(lines) for lines in cell_lines), default=1) * size * self.style.leading + 2 * CELL_PAD

    def _start_page(self):
        if self.pages:
            self.canvas.showPage()
        self.pages += 1
        canvas, style = self.canvas, self.style
        top = self.size[1] - MARGIN
        if self.pages == 1:
            canvas.setFont(self.bold, style.title_size)
            top -= style.title_size
            canvas.drawString(
                MARGIN, top, clip(self.title, self.bold, style.title_size, self.size[0] - 2 * MARGIN)
            )
            top -= style.title_size * 0.3 + 9
            canvas.setFont(self.regular, 8)
            canvas.drawString(MARGIN, top, self.subtitle)
            top -= 4 * mm
        self._footer()
        self.y = top
        self._draw_row(self.header_lines, self.bold, style.header_size, fill=colors.Color(0.86, 0.88, 0.92))

    def _footer(self):
        canvas = self.canvas
        canvas.setFont(self.regular, 7.5)
        canvas.setFillColor(colors.black)
        canvas.drawString(MARGIN, MARGIN / 2, clip(self.title, self.regular, 7.5, self.size[0] / 2))
        right = self.size[0] - MARGIN
        reserve = stringWidth("0000", self.regular, 7.5)
        text = f"{PAGE_WORD.get(self.language, 'page')} {self.pages}/"
        canvas.drawRightString(right - reserve, MARGIN / 2, text)
        canvas.saveState()
        canvas.translate(right - reserve, MARGIN / 2)
        canvas.doForm(TOTAL_FORM)
        canvas.restoreState()

    def _draw_row(self, cell_lines, font, size, fill=None):
        canvas, leading = self.canvas, size * self.style.leading
        height = self._row_height(cell_lines, size)
        bottom = self.y - height
        if fill is not None:
            canvas.setFillColor(fill)
            canvas.rect(MARGIN, bottom, sum(self.widths), height, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        canvas.setFont(font, size)
        x = MARGIN
        for lines, width in zip(cell_lines, self.widths, strict=True):
            baseline = self.y - CELL_PAD - size
            for line in lines:
                canvas.drawString(x + CELL_PAD, baseline, line)
                baseline -= leading
            x += width
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.3)
        canvas.line(MARGIN, bottom, MARGIN + sum(self.widths), bottom)
        self.y = bottom

    def add(self, cells):
        """Place one row (a text per column), starting a new page (with the header row) when it does not
        fit the current one."""
        size = self.style.font_size
        cell_lines = [
            self._wrap(text, self.regular, size, width)
            for text, width in zip(cells, self.widths, strict=True)
        ]
        height = self._row_height(cell_lines, size)
        if self.y is None or self.y - height < MARGIN + 4 * mm:
            self._start_page()
        shade = SHADE if self.style.zebra and self.rows % 2 else None
        self._draw_row(cell_lines, self.regular, size, fill=shade)
        self.rows += 1

    def finish(self):
        """Close the last page, draw the page total that every page refers to, and write the PDF."""
        if self.y is None:
            self._start_page()
        self.canvas.showPage()
        self.canvas.beginForm(TOTAL_FORM)
        self.canvas.setFont(self.regular, 7.5)
        self.canvas.drawString(0, 0, str(self.pages))
        self.canvas.endForm()
        self.canvas.save()
        return self.pages
