"""I2 label and card sheets: the position of every label on each A4 format, skipping used labels, margins."""

import itertools

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from services.exports.contract.sheets import CARD_SHEETS, LABEL_SHEETS, pages_needed, placements

REQUIRED = {
    "3x7": (3, 7, 70, 42.3),
    "3x8": (3, 8, 70, 37),
    "2x7": (2, 7, 105, 42.3),
    "3x10": (3, 10, 70, 29.7),
}


@pytest.mark.parametrize("key", REQUIRED)
def test_i2_required_label_formats_cover_a4(key):
    sheet = LABEL_SHEETS[key]
    assert (sheet.columns, sheet.rows, sheet.width, sheet.height) == REQUIRED[key]
    assert sheet.overhang() is None
    grid_w, grid_h = sheet.grid_size()
    assert grid_w == pytest.approx(210) and 295 <= grid_h <= 297


@pytest.mark.parametrize("key", [*LABEL_SHEETS, *CARD_SHEETS])
def test_i2_every_label_lies_on_the_page_without_overlap(key):
    sheet = LABEL_SHEETS.get(key) or CARD_SHEETS[key]
    boxes = [sheet.box(slot) for slot in range(sheet.per_page)]
    for x, y, w, h in boxes:
        assert -0.01 <= x and x + w <= A4[0] + 0.01
        assert -0.01 <= y and y + h <= A4[1] + 0.01
    for (ax, ay, aw, ah), (bx, by, bw, bh) in itertools.combinations(boxes, 2):
        assert ax + aw <= bx + 0.01 or bx + bw <= ax + 0.01 or ay + ah <= by + 0.01 or by + bh <= ay + 0.01


def test_i2_positions_of_3x8_row_by_row_from_the_top_left():
    sheet = LABEL_SHEETS["3x8"]
    x, y, w, h = sheet.box(0)
    assert (x, w, h) == (0, pytest.approx(70 * mm), pytest.approx(37 * mm))
    assert y + h == pytest.approx(A4[1] - 0.5 * mm)
    assert sheet.box(1)[0] == pytest.approx(70 * mm)
    assert sheet.box(2)[0] == pytest.approx(140 * mm)
    assert sheet.box(3)[:2] == (0, pytest.approx(y - 37 * mm))
    last = sheet.box(23)
    assert last[0] == pytest.approx(140 * mm) and last[1] == pytest.approx(A4[1] - (0.5 + 8 * 37) * mm)


def test_i2_gaps_between_labels_are_kept():
    sheet = LABEL_SHEETS["3x7-gap"]
    first, second = sheet.box(0), sheet.box(1)
    assert second[0] - (first[0] + first[2]) == pytest.approx(2.5 * mm)
    assert first[0] == pytest.approx(7.25 * mm)


def test_i2_margin_override_moves_the_grid_and_too_large_margins_are_refused():
    moved = LABEL_SHEETS["3x10"].with_margins(top=0, left=0)
    assert moved.box(0)[0] == 0
    sheet = LABEL_SHEETS["3x7-gap"].with_margins(top=20, left=10)
    assert sheet.box(0)[0] == pytest.approx(10 * mm)
    assert sheet.box(0)[1] + sheet.box(0)[3] == pytest.approx(A4[1] - 20 * mm)
    assert sheet.with_margins(left=20).overhang() == {
        "code": "exp.err.margin_left",
        "params": {"most": "14.5", "kind": "3x7-gap"},
    }
    assert LABEL_SHEETS["3x8"].with_margins(top=5).overhang()["code"] == "exp.err.margin_top"
    with pytest.raises(ValueError):
        LABEL_SHEETS["3x7"].box(21)


def test_i2_skipping_used_labels_starts_the_first_sheet_later():
    sheet = LABEL_SHEETS["3x7"]
    spots = list(itertools.islice(placements(sheet, skip=19), 4))
    assert spots == [(0, 19), (0, 20), (1, 0), (1, 1)]
    assert list(itertools.islice(placements(sheet), 2)) == [(0, 0), (0, 1)]
    with pytest.raises(ValueError):
        next(placements(sheet, skip=21))


@pytest.mark.parametrize(
    ("count", "skip", "pages"), [(0, 0, 1), (21, 0, 1), (22, 0, 2), (2, 20, 2), (1, 20, 1)]
)
def test_i2_pages_needed(count, skip, pages):
    assert pages_needed(LABEL_SHEETS["3x7"], count, skip) == pages
