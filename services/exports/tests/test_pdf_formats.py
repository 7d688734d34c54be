"""I2 PDF exports read back with pypdf: label sheets (page count per format, Finnish layout, couples once,
rows without an address left out), name cards (QR code = the badge vCard), PDF lists (page numbers,
header row on every page, custom field columns), and options that are refused with a clear error."""

import io
import re

import pytest
import segno
from pypdf import PdfReader

from piiri.errors import ValidationFailed
from services.exports.columns import resolve
from services.exports.contract.rows import sample_row
from services.exports.contract.sheets import LABEL_SHEETS
from services.exports.formats import get_format
from services.exports.formats.name_cards import badge_vcard

COUPLE = {
    "id": "c1",
    "address_name_fi": "Anna ja Matti Virtanen",
    "address_name_en": "Anna and Matti Virtanen",
}


def export(name, rows, options=None, language="fi", columns=None, custom_fields=None):
    export_format = get_format(name)
    loaded = export_format.load_options(options or {})
    if export_format.uses_columns:
        loaded["columns"] = resolve(columns, custom_fields or {})
    out = io.BytesIO()
    result = export_format.write(iter(rows), loaded, out, language)
    return PdfReader(io.BytesIO(out.getvalue())), result


def people(count):
    return (
        sample_row(id=f"id-{index}", first_name=f"Henkilö{index}", street=f"Testikatu {index}")
        for index in range(count)
    )


def text_of(reader):
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize(("sheet", "per_page"), [("3x7", 21), ("3x8", 24), ("2x7", 14), ("3x10", 30)])
def test_i2_label_pdf_page_count_for_each_sheet(sheet, per_page):
    count = per_page * 2 + 1
    reader, result = export("labels", people(count), {"sheet": sheet})
    assert len(reader.pages) == 3
    assert result == {"rows_written": count, "notes": {}}
    text = text_of(reader)
    assert "Henkilö0 Meikäläinen" in text and f"Henkilö{count - 1} Meikäläinen" in text
    assert text.count("00100 HELSINKI") == count


def test_i2_labels_skip_used_labels_on_the_first_sheet():
    reader, _ = export("labels", people(3), {"sheet": "3x8", "skip": 22})
    assert len(reader.pages) == 2
    assert "Henkilö2" in reader.pages[1].extract_text() and "Henkilö2" not in reader.pages[0].extract_text()


def test_i2_labels_address_a_couple_once_and_leave_out_rows_without_address():
    rows = [
        sample_row(id="a", first_name="Anna", last_name="Virtanen", couple=COUPLE),
        sample_row(id="x", first_name="Osoitteeton", postal_code=None, city=None, street=None),
        sample_row(id="m", first_name="Matti", last_name="Virtanen", couple=COUPLE),
        sample_row(id="s", street="Storgatan 1", postal_code="111 22", city="Stockholm", country="SE"),
    ]
    reader, result = export("labels", rows)
    text = text_of(reader)
    assert text.count("Anna ja Matti Virtanen") == 1
    assert "Matti Virtanen\n" not in text.replace("Anna ja Matti Virtanen", "")
    assert "Osoitteeton" not in text
    assert "111 22 STOCKHOLM" in text and "RUOTSI" in text
    assert result == {"rows_written": 2, "notes": {"skipped_no_address": 1, "skipped_couple_partner": 1}}


def test_i2_labels_print_finnish_and_cyrillic_letters():
    reader, _ = export("labels", [sample_row(first_name="Žaneta", last_name="Åström-Иванова")])
    assert "Žaneta Åström-Иванова" in text_of(reader)


def test_i2_label_options_are_checked_with_clear_errors():
    labels = get_format("labels")
    with pytest.raises(ValidationFailed) as caught:
        labels.load_options({"sheet": "4x12"})
    assert "sheet" in caught.value.details
    with pytest.raises(ValidationFailed) as caught:
        labels.load_options({"sheet": "3x7", "skip": 21})
    assert caught.value.details == {
        "skip": [{"code": "exp.err.sheet_skip", "params": {"kind": "3x7", "n": 21, "most": 20}}]
    }
    with pytest.raises(ValidationFailed) as caught:
        labels.load_options({"sheet": "3x7-gap", "left_mm": 20})
    assert caught.value.details["left_mm"][0]["params"]["most"] == "14.5"
    with pytest.raises(ValidationFailed) as caught:
        labels.load_options({"font_size": 40})
    assert "font_size" in caught.value.details
    assert labels.default_exclude_deceased is True and labels.uses_columns is False


def test_i2_label_margin_override_moves_the_text():
    default, _ = export("labels", people(1), {"sheet": "3x7-gap"})
    moved, _ = export("labels", people(1), {"sheet": "3x7-gap", "top_mm": 25, "left_mm": 12})

    def first_x_y(reader):
        found = []
        reader.pages[0].extract_text(
            visitor_text=lambda text, cm, tm, *_: found.append((tm[4], tm[5])) if text.strip() else None
        )
        return found[0]

    (x1, y1), (x2, y2) = first_x_y(default), first_x_y(moved)
    assert x2 - x1 == pytest.approx((12 - LABEL_SHEETS["3x7-gap"].left) * 72 / 25.4, abs=0.1)
    assert y1 - y2 == pytest.approx((25 - LABEL_SHEETS["3x7-gap"].top) * 72 / 25.4, abs=0.1)


def test_i2_empty_selection_gives_one_empty_sheet():
    reader, result = export("labels", [])
    assert len(reader.pages) == 1 and result == {"rows_written": 0, "notes": {}}


def _qr_matches(image, text):
    """The image's dark modules are exactly those of the QR code of `text` (what a scanner reads)."""
    code = segno.make(text, error="m", micro=False)
    matrix = list(code.matrix)
    image = image.convert("L")
    scale = image.width / len(matrix)
    assert image.width == image.height and scale == int(scale)
    for row_index, row in enumerate(matrix):
        for column_index, dark in enumerate(row):
            pixel = image.getpixel((int((column_index + 0.5) * scale), int((row_index + 0.5) * scale)))
            if (pixel < 128) != bool(dark):
                return False
    return True


def test_i2_name_cards_show_name_title_organisation_and_a_qr_of_the_vcard():
    rows = [
        sample_row(id=f"6f1c3a52-6d3e-4b8e-9a51-3f2f0d7c1a1{index}", first_name=f"Kortti{index}")
        for index in range(9)
    ]
    reader, result = export(
        "name_cards", rows, {"sheet": "2x4", "qr": True, "event_title": "Syyskokous 2026"}
    )
    assert len(reader.pages) == 2 and result == {"rows_written": 9}
    first = reader.pages[0].extract_text()
    assert "Kortti0 Meikäläinen" in first and "Toiminnanjohtaja" in first and "Esimerkki ry" in first
    assert first.count("Syyskokous 2026") == 8
    images = [image.image for image in reader.pages[0].images]
    assert len(images) == 8
    for row in rows[:8]:  # each card's code is its own contact's vCard, and only one image matches it
        assert sum(_qr_matches(image, badge_vcard(row)) for image in images) == 1
    assert not any(_qr_matches(image, badge_vcard(rows[8])) for image in images)


def test_i2_badge_vcard_holds_only_what_a_badge_may_show():
    row = sample_row(
        emails=[
            {"address": "koti@example.fi", "kind": "home", "primary": False},
            {"address": "maija@example.fi", "kind": "work", "primary": True},
        ]
    )
    text = badge_vcard(row)
    assert "FN:Maija Meikäläinen" in text and "ORG:Esimerkki ry" in text and "TITLE:Toiminnanjohtaja" in text
    assert "maija@example.fi" in text and "+358401234567" in text
    assert "koti@example.fi" not in text and "ADR" not in text and "BDAY" not in text


def test_i2_name_cards_without_qr_have_no_images_and_2x5_fits_ten():
    reader, _ = export("name_cards", people(10), {"sheet": "2x5"})
    assert len(reader.pages) == 1 and len(reader.pages[0].images) == 0
    assert "Henkilö9 Meikäläinen" in reader.pages[0].extract_text()


def test_i2_pdf_list_has_title_page_numbers_and_the_header_on_every_page():
    reader, result = export(
        "pdf_list",
        people(150),
        {"title": "Jäsenluettelo"},
        columns=["display_name", "email", "city", "custom.shirt"],
        custom_fields={"shirt": {"label_fi": "Paidan koko", "label_en": "Shirt size", "field_type": "text"}},
    )
    total = len(reader.pages)
    assert total >= 3 and result is None
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert re.search(rf"sivu {number}/\s*{total}\b", text), text[-80:]
        for header in ("Nimi", "Sähköposti", "Paikkakunta", "Paidan koko"):
            assert header in text
    first = reader.pages[0].extract_text()
    assert "Jäsenluettelo" in first and "Luotu " in first
    everything = text_of(reader)
    assert everything.count("maija@example.fi") == 150
    assert reader.pages[0].mediabox.width < reader.pages[0].mediabox.height


def test_i2_pdf_list_in_english_wraps_long_text_and_goes_landscape_with_many_columns():
    columns = ["display_name", "email", "phone", "street", "postal_code", "city", "country", "tags"]
    long_street = "Hyvin pitkä katuosoite joka ei millään mahdu yhdelle riville " * 3
    reader, _ = export("pdf_list", [sample_row(street=long_street)], language="en", columns=columns)
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height
    text = page.extract_text()
    assert "page 1/" in text and "Contacts" in text and "Generated " in text
    street_lines = [line for line in text.splitlines() if "katuosoite" in line or "mahdu" in line]
    assert len(street_lines) >= 2


def test_i2_pdf_list_options_are_checked():
    with pytest.raises(ValidationFailed) as caught:
        get_format("pdf_list").load_options({"orientation": "diagonal", "font_size": 3})
    assert set(caught.value.details) == {"orientation", "font_size"}


def test_i2_layouts_need_only_the_fields_they_read():
    """Data minimisation: a label and a card are the same when made from only the fields they declare."""
    from services.exports.contract.rows import ROW_FIELDS
    from services.exports.formats import labels, name_cards

    assert set(labels.READS) <= set(ROW_FIELDS) and set(name_cards.READS) <= set(ROW_FIELDS)
    full = sample_row(couple=COUPLE, honorific="tri", care_of=None)
    for name, reads, options in (
        ("labels", labels.READS, {"job_title": True, "organisation": True}),
        ("name_cards", name_cards.READS, {"qr": True, "event_title": "Kokous"}),
    ):
        slim = {key: full[key] for key in ("id", *reads)}
        assert text_of(export(name, [slim], options)[0]) == text_of(export(name, [full], options)[0])
    assert badge_vcard({key: full[key] for key in ("id", *name_cards.READS)}) == badge_vcard(full)


def test_i2_name_cards_have_cut_marks_in_line_with_every_card_edge_only_when_asked():
    def segments(options):
        reader, _ = export("name_cards", people(1), {"sheet": "2x4", **options})
        content = reader.pages[0].get_contents().get_data().decode("latin-1")
        return re.findall(r"([\d.]+) ([\d.]+) m ([\d.]+) ([\d.]+) l", content)

    marks = segments({})
    xs = {round(float(x1) * 25.4 / 72, 1) for x1, y1, x2, y2 in marks if x1 == x2}
    ys = {round(297 - float(y1) * 25.4 / 72, 1) for x1, y1, x2, y2 in marks if y1 == y2}
    assert xs == {15.0, 105.0, 195.0}  # card edges of the two 90 mm columns
    assert ys == {38.5, 93.5, 148.5, 203.5, 258.5}  # card edges of the four 55 mm rows
    assert len(marks) == 2 * 3 + 2 * 5  # above and below, left and right of the grid
    assert segments({"cut_marks": False}) == []


def test_i2_a_swedish_user_exports_in_swedish():
    """An export is made in the user's language, Swedish too: a couple's label says "och", a contact
    list's default title, "sida" and its date line are Swedish, and the service takes "sv" as the
    language of an export (the form sends the UI's language)."""
    from services.exports.service import load_input

    couple = {**COUPLE, "address_name_sv": "Anna och Matti Virtanen"}
    anna = sample_row(id="a", first_name="Anna", last_name="Virtanen", couple=couple)
    labels, _ = export("labels", [anna], language="sv")
    assert "Anna och Matti Virtanen" in text_of(labels)
    listed, _ = export("pdf_list", people(3), language="sv", columns=["display_name", "city"])
    text = text_of(listed)
    assert "Kontakter" in text and "sida 1/" in text and "Skapad " in text
    assert (
        load_input({"format": "csv", "selection": {"kind": "search"}, "language": "sv"})["language"] == "sv"
    )
