"""I2 text fitting: label text shrinks to fit instead of overflowing, clipping, wrapping, column widths."""

import pytest
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from piiri.pdf_fonts import fonts
from services.exports.contract.sheets import LABEL_SHEETS
from services.exports.layout.fit import clip, fit_size, wrap
from services.exports.layout.labels import PADDING_X, label_layout
from services.exports.layout.table import column_widths, page_size

FONT = fonts()[0]


def test_i2_short_lines_keep_the_chosen_size_long_ones_shrink_to_the_width():
    assert fit_size(["Anna Virtanen"], FONT, 10, 60 * mm) == 10
    long_line = "Aleksandra Katariina Vähä-Äijälä-Björkström-Ivanova"
    size = fit_size([long_line], FONT, 10, 60 * mm)
    assert 6 < size < 10
    assert stringWidth(long_line, FONT, size) == pytest.approx(60 * mm)


def test_i2_many_lines_shrink_to_the_height_and_never_below_the_minimum():
    assert fit_size(["a"] * 10, FONT, 10, 100, height=60) == 6.0  # 5 pt would fit; the minimum wins
    assert fit_size(["a"] * 10, FONT, 10, 100, height=96) == pytest.approx(8)
    assert fit_size(["x" * 500], FONT, 10, 50) == 6.0


def test_i2_label_text_stays_inside_the_label():
    sheet = LABEL_SHEETS["3x10"]
    box = sheet.box(4)
    lines = [
        "Aleksandra Katariina Vähä-Äijälä-Björkström",
        "c/o Hyvin Pitkä Yhdistyksen Nimi ry",
        "Katu 1",
        "00100 HELSINKI",
        "SUOMI",
    ]
    size, placed = label_layout(lines, box, FONT, 12)
    x, y, w, h = box
    assert size < 12
    for left, baseline, text in placed:
        assert left == pytest.approx(x + PADDING_X)
        assert left + stringWidth(text, FONT, size) <= x + w - PADDING_X + 0.01
        assert y <= baseline <= y + h - size
    assert [text for _, _, text in placed][3] == "00100 HELSINKI"


def test_i2_clip_adds_an_ellipsis_only_when_needed():
    assert clip("Lyhyt", FONT, 10, 100) == "Lyhyt"
    clipped = clip("Hyvin pitkä teksti joka ei mahdu", FONT, 10, 60)
    assert clipped.endswith("…") and stringWidth(clipped, FONT, 10) <= 60


def test_i2_wrap_keeps_words_breaks_long_ones_and_limits_lines():
    lines = wrap("yksi kaksi kolme neljä viisi", FONT, 10, 60)
    assert len(lines) > 1 and " ".join(lines) == "yksi kaksi kolme neljä viisi"
    assert all(stringWidth(line, FONT, 10) <= 60 for line in lines)
    broken = wrap("a" * 80, FONT, 10, 60)
    assert "".join(broken) == "a" * 80 and len(broken) > 1
    limited = wrap("sana " * 100, FONT, 10, 60, max_lines=3)
    assert len(limited) == 3 and limited[-1].endswith("…")
    assert wrap("rivi 1\nrivi 2", FONT, 10, 200) == ["rivi 1", "rivi 2"]
    assert wrap("", FONT, 10, 100) == [""]


def test_i2_columns_share_the_width_by_weight_and_keep_their_minimums():
    assert column_widths([1, 1, 2], 400) == [100, 100, 200]
    widths = column_widths([1, 1, 1], 300, [150, 0, 0])
    assert widths[0] == 150 and widths[1] == widths[2] == 75
    assert sum(column_widths([1, 1], 100, [80, 80])) == pytest.approx(100)


def test_i2_many_columns_turn_the_page_sideways():
    assert page_size(5)[0] < page_size(5)[1]
    assert page_size(8)[0] > page_size(8)[1]
    assert page_size(3, "landscape")[0] > page_size(3, "landscape")[1]
    assert page_size(12, "portrait")[0] < page_size(12, "portrait")[1]


def test_i2_a_line_too_long_even_at_the_smallest_size_wraps_instead_of_losing_letters():
    sheet = LABEL_SHEETS["3x10"]
    box = sheet.box(0)
    name = "kauppaneuvos Aleksandra Katariina Vähä-Äijälä-Björkström-Ivanova-Lindqvist"
    size, placed = label_layout([name, "Katu 1", "00100 HELSINKI"], box, FONT, 10)
    texts = [text for _, _, text in placed]
    assert len(texts) > 3 and "".join(texts[:-2]).replace(" ", "") == name.replace(" ", "")
    assert not any("…" in text for text in texts)  # every letter printed
    x, y, w, h = box
    assert all(y <= baseline <= y + h - size for _, baseline, _ in placed)
