"""B2: documents/page_writer.py, the invoice PDF written directly: a valid file (pypdf in strict mode
reads its cross-reference table and objects), text that extracts back in Finnish, Swedish and Cyrillic,
the image and the bars where they were drawn, and clear errors for wrong use."""

import io

import pypdf
import pytest
from reportlab.lib.units import mm

from services.billing.documents import epc_qr, pdf
from services.billing.documents.fonts import fonts
from services.billing.documents.page_writer import Page

QR = "BCD\n001\n1\nSCT\nNDEAFIHH\nYhdistys ry\nFI2112345600000785\nEUR50.00"


def a_page():
    regular, bold = fonts()
    page = pdf.start("LASKU 1000")
    page.setFont(bold, 12)
    page.drawString(20 * mm, 270 * mm, "Åsa Öberg-Ääkkönen")
    page.setFont(regular, 9)
    page.drawRightString(190 * mm, 270 * mm, "Иван Петров 50,00 €")
    page.line(20 * mm, 95 * mm, 190 * mm, 95 * mm)
    image = epc_qr.qr_image(QR)
    page.image(155 * mm, 53 * mm, 35 * mm, 35 * mm, image.tobytes(), image.size)
    page.bars(26.4 * mm, 18 * mm, 0.25 * mm, 13 * mm, pdf.bank_bars("4" + "0" * 53))
    return pdf.finish(page)


def test_b2_the_written_pdf_is_valid_and_its_text_extracts_back():
    data = a_page()
    image = epc_qr.qr_image(QR)
    reader = pypdf.PdfReader(io.BytesIO(data), strict=True)
    assert len(reader.pages) == 1 and reader.metadata.title == "LASKU 1000"
    text = reader.pages[0].extract_text()
    assert "Åsa Öberg-Ääkkönen" in text and "Иван Петров 50,00 €" in text
    assert [found.image.size for found in reader.pages[0].images] == [image.size]
    content = reader.pages[0].get_contents().get_data().decode("latin-1")
    assert content.count(" re") == len(pdf.bank_bars("4" + "0" * 53)) and " Do Q" in content


def test_b2_the_same_page_gives_the_same_bytes():
    assert a_page() == a_page()


def test_b2_wrong_use_of_the_page_is_a_clear_error():
    page = Page("x")
    with pytest.raises(ValueError, match="setFont before drawString"):
        page.drawString(0, 0, "a")
    with pytest.raises(ValueError, match="not an invoice TrueType font"):
        page.setFont("Helvetica", 9)
    with pytest.raises(ValueError, match="do not match its size"):
        page.image(0, 0, 10, 10, b"\x00" * 3, (8, 8))


def test_b2_an_invoice_renders_after_another_pdf_registered_the_same_face_first():
    """reportlab keeps one font object per face: when PiiriSans (DejaVu Sans, exports and access reports)
    is registered first in a process, as in `make run`'s single process, ``getFont("PiiriInvoiceSans")``
    answers with that plain font. The page writer must not depend on it (a fresh process: the order
    matters and this test process has already registered both)."""
    import subprocess
    import sys

    script = (
        "from piiri.pdf_fonts import fonts as piiri_fonts; piiri_fonts()\n"
        "from services.billing.tests.test_page_writer import a_page\n"
        "import pypdf, io; assert 'Åsa' in pypdf.PdfReader(io.BytesIO(a_page())).pages[0].extract_text()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


TEXTS = ["Matti Meikäläinen", "À-hinta 50,00 €", "", "1\xa0000,00 €", "Łukasz Öberg", "Иван", "Straße 5", "ä"]


def drawn(texts, monkeypatch=None):
    """A page with ``texts`` in both fonts; with ``monkeypatch``, every string through splitString."""
    if monkeypatch is not None:
        monkeypatch.setattr(Page, "_encoded", lambda page, font, text: font.splitString(text, page.key))
    regular, bold = fonts()
    page = pdf.start("x")
    for index, text in enumerate(texts):
        page.setFont((regular, bold)[index % 2], 9)
        page.drawString(10, 10 * index, text)
    return pdf.finish(page)


@pytest.mark.parametrize("order", [TEXTS, TEXTS[::-1], TEXTS[4:] + TEXTS[:4]])
def test_b2_seeded_strings_are_encoded_as_split_string_encodes_them(order, monkeypatch):
    """Page._encoded's shortcut (a string of seeded characters translated with the seeded assignment)
    gives the very bytes reportlab's splitString gives, before and after a string that extends a subset
    (ł, Cyrillic), with a no-break space (splitString makes it a space) and an empty string."""
    fast = drawn(order)
    assert fast == drawn(order, monkeypatch)
    text = pypdf.PdfReader(io.BytesIO(fast)).pages[0].extract_text()
    assert "Łukasz Öberg" in text and "À-hinta 50,00 €" in text and "Иван" in text


def test_b2_every_fixed_text_of_the_documents_is_seeded():
    """The invoice's and the reminder's own words (documents/texts.py) are all in fonts.SEED: they never
    make a subset of their own nor leave the shortcut (page_writer.Page._encoded)."""
    from services.billing.documents.fonts import SEED
    from services.billing.documents.texts import texts

    for language in ("fi", "sv", "en"):
        for key, word in texts(language).items():
            assert set(str(word)) <= set(SEED), (language, key, set(str(word)) - set(SEED))
