"""Sheets of labels and cards on A4 as data (columns, rows, label size, page margins, gaps) and the position
of each label on a sheet (I2). Sizes are in millimetres; positions are in PDF points from the lower left
corner, as reportlab draws.
"""

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from piiri.errors import coded

A4_MM = (210.0, 297.0)
TOLERANCE_MM = 0.5  # a sheet may overhang the page this much (rounding in the makers' specifications)


@dataclass(frozen=True)
class Sheet:
    """A sheet of equal labels in a grid: `top`/`left` page margins to the first label, `gap_x`/`gap_y`
    between labels."""

    key: str
    columns: int
    rows: int
    width: float
    height: float
    top: float
    left: float
    gap_x: float = 0.0
    gap_y: float = 0.0
    note: str = ""

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def label(self) -> str:
        size = f"{self.width:g} × {self.height:g} mm"
        return f"{self.columns}×{self.rows}, {size}" + (f" ({self.note})" if self.note else "")

    def with_margins(self, top: float | str | None = None, left: float | str | None = None) -> "Sheet":
        """The sheet with its top and/or left margin replaced (None keeps the maker's margin)."""
        return replace(
            self, top=self.top if top is None else float(top), left=self.left if left is None else float(left)
        )

    def grid_size(self) -> tuple[float, float]:
        """(width, height) in mm that the labels with their gaps cover."""
        return (
            self.columns * self.width + (self.columns - 1) * self.gap_x,
            self.rows * self.height + (self.rows - 1) * self.gap_y,
        )

    def overhang(self) -> dict[str, Any] | None:
        """How the labels would fall off the A4 page with these margins: a ``coded`` entry
        (``exp.err.margin_left`` or ``exp.err.margin_top``, with ``most`` and ``kind``), or None if they
        fit."""
        grid_w, grid_h = self.grid_size()
        if self.left + grid_w > A4_MM[0] + TOLERANCE_MM:
            room = A4_MM[0] - grid_w
            return coded("exp.err.margin_left", most=f"{max(room, 0):.1f}", kind=self.key)
        if self.top + grid_h > A4_MM[1] + TOLERANCE_MM:
            room = A4_MM[1] - grid_h
            return coded("exp.err.margin_top", most=f"{max(room, 0):.1f}", kind=self.key)
        return None

    def box(self, slot: int) -> tuple[float, float, float, float]:
        """(x, y, width, height) in points of the label in `slot` (0 = top left, row by row); (x, y) is
        the label's lower left corner."""
        if not 0 <= slot < self.per_page:
            raise ValueError(f"slot {slot} is not on a {self.key} sheet")
        row, column = divmod(slot, self.columns)
        x = (self.left + column * (self.width + self.gap_x)) * mm
        top = A4[1] - (self.top + row * (self.height + self.gap_y)) * mm
        return x, top - self.height * mm, self.width * mm, self.height * mm


def placements(sheet: Sheet, skip: int = 0) -> Iterator[tuple[int, int]]:
    """An endless iterator of (page index, slot): the first `skip` slots of the first sheet are used
    already, then every slot of every page in order."""
    if not 0 <= skip < sheet.per_page:
        raise ValueError(f"skip must be 0 to {sheet.per_page - 1} on a {sheet.key} sheet")
    page, slot = 0, skip
    while True:
        yield page, slot
        slot += 1
        if slot == sheet.per_page:
            page, slot = page + 1, 0


def pages_needed(sheet: Sheet, count: int, skip: int = 0) -> int:
    """How many sheets `count` labels take when the first `skip` labels of the first sheet are used."""
    if count <= 0:
        return 1
    return -(-(count + skip) // sheet.per_page)


# Address label sheets: the common A4 formats (edge to edge ones sold by many makers, and two with gaps).
LABEL_SHEETS = {
    sheet.key: sheet
    for sheet in (
        Sheet("3x7", 3, 7, 70, 42.3, top=0.45, left=0),
        Sheet("3x8", 3, 8, 70, 37, top=0.5, left=0),
        Sheet("2x7", 2, 7, 105, 42.3, top=0.45, left=0),
        Sheet("3x10", 3, 10, 70, 29.7, top=0, left=0),
        Sheet("3x7-gap", 3, 7, 63.5, 38.1, top=15.15, left=7.25, gap_x=2.5, note="L7160"),
        Sheet("2x7-gap", 2, 7, 99.1, 38.1, top=15.15, left=4.65, gap_x=2.5, note="L7163"),
    )
}
DEFAULT_LABEL_SHEET = "3x7"

# Name card / badge sheets: cards with cut marks in the margins.
CARD_SHEETS = {
    sheet.key: sheet
    for sheet in (
        Sheet("2x4", 2, 4, 90, 55, top=38.5, left=15),
        Sheet("2x5", 2, 5, 85, 54, top=13.5, left=20),
    )
}
DEFAULT_CARD_SHEET = "2x4"
