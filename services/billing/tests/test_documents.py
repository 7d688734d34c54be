"""B2, B3: the invoice PDF (texts in the payer's language, the virtual barcode, the Code 128 bank barcode
and the EPC QR code, decoded back from the page with zxing-cpp), the workers' batches of run PDFs, and
Finvoice 3.0 XML that validates against the official schema."""

import io
import uuid
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest
from lxml import etree
from reportlab.graphics.barcode.code128 import Code128

from services.billing.documents import barcode, epc_qr, finvoice, pdf
from services.billing.documents import fonts as invoice_fonts
from services.billing.invoice_pdfs import making
from services.billing.invoices import rules
from services.billing.references import rules as references
from services.billing.settings import from_config
from services.billing.vat.rules import BUILTIN_RATES

FIXTURES = Path(__file__).with_name("fixtures")
SETTINGS_CONFIG = {
    "BILLING_PAYEE_NAME": "Esimerkkiyhdistys ry",
    "BILLING_PAYEE_BUSINESS_ID": "1234567-8",
    "BILLING_IBAN": "FI21 1234 5600 0007 85",
    "BILLING_BIC": "NDEAFIHH",
}
SETTINGS = from_config(SETTINGS_CONFIG)


def an_invoice(language="fi", kind="invoice", **values):
    lines = rules.priced_lines(
        [{"description": "Jäsenmaksu 2025", "unit_price": "50.00"}], list(BUILTIN_RATES), date(2025, 1, 15)
    )
    invoice = {
        "id": uuid.uuid4(),
        "number": 1000,
        "kind": kind,
        "status": "open",
        "payer_name": "Matti Meikäläinen",
        "street": "Mannerheimintie 1",
        "postal_code": "00100",
        "city": "Helsinki",
        "country": "FI",
        "language": language,
        "invoice_date": date(2025, 1, 15),
        "due_date": date(2025, 1, 29),
        "reference": "10003",
        "rf_reference": "RF6810003",
        "paid_amount": Decimal("0"),
        **rules.totals_of(lines),
        **values,
    }
    return invoice, lines


def pdf_text(data):
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize(
    "language,words",
    [
        ("fi", ["LASKU", "Eräpäivä", "29.1.2025", "50,00 €"]),
        ("sv", ["FAKTURA", "Förfallodag", "Referensnummer"]),
        ("en", ["INVOICE", "Due date", "2025-01-29", "50.00 €"]),
    ],
)
def test_b2_invoice_pdf_in_the_payers_language_with_barcode_and_qr(language, words):
    invoice, lines = an_invoice(language)
    data = pdf.render(invoice, lines, SETTINGS)
    text = pdf_text(data)
    for word in words:
        assert word in text
    digits = "421123456000007850000500000000000000000000010003250129"  # formats.md §2.1 membership example
    assert digits in text
    assert "FI2112345600000785" in text and "NDEAFIHH" in text and "10003" in text
    reader = pypdf.PdfReader(io.BytesIO(data))
    images = [image for page in reader.pages for image in page.images]
    assert images, "the EPC QR code is an image on the page"


def test_b2_printed_barcode_is_code128_set_c_of_the_54_digits():
    invoice, _ = an_invoice()
    digits = pdf.barcode_of(invoice, SETTINGS)
    printed = Code128(digits)
    printed.validate()
    printed.encode()
    assert printed.encoded[:-1] == barcode.code128c_values(digits)  # Start C, 27 pairs, check; then Stop
    decoded = barcode.decode(digits)
    assert (decoded.amount, decoded.reference, decoded.due_date) == (
        Decimal("50.00"),
        "10003",
        date(2025, 1, 29),
    )


def test_b2_rf_form_setting_prints_version_5():
    invoice, _ = an_invoice()
    settings = from_config({"BILLING_REFERENCE_FORM": "rf"})
    assert pdf.barcode_of(invoice, settings) == "521123456000007850000500068000000000000000010003250129"


def test_b2_credit_note_has_no_payment_part():
    invoice, lines = an_invoice(kind="credit_note", reference=None, rf_reference=None)
    negated = rules.credit_lines(lines)
    invoice.update(rules.totals_of(negated))
    text = pdf_text(pdf.render(invoice, negated, SETTINGS, credited_number=999))
    assert "HYVITYSLASKU" in text and "999" in text
    assert pdf.barcode_of(invoice, SETTINGS) is None


TRANSMISSION = {
    "from_identifier": "003712345678",
    "from_intermediator": "003721291126",
    "to_identifier": "003787654321",
    "to_intermediator": "003721291126",
}


def test_b3_finvoice_validates_against_the_schema_and_carries_the_payment():
    invoice, lines = an_invoice()
    document = finvoice.build(
        invoice,
        lines,
        SETTINGS,
        TRANSMISSION,
        pdf.barcode_of(invoice, SETTINGS),
        now=datetime(2025, 1, 15, 10, 0),
    )
    tree = etree.fromstring(document)
    assert tree.findtext("InvoiceDetails/InvoiceNumber") == "1000"
    assert tree.findtext("InvoiceDetails/InvoiceTotalVatIncludedAmount") == "50,00"
    reference = tree.find("EpiDetails/EpiPaymentInstructionDetails/EpiRemittanceInfoIdentifier")
    assert (reference.text, reference.get("IdentificationSchemeName")) == ("10003", "SPY")
    assert tree.findtext("BuyerPartyDetails/BuyerPostalAddressDetails/BuyerTownName") == "Helsinki"
    assert tree.findtext("VirtualBankBarcode").startswith("4211234560000078500005000")
    assert tree.findtext("InvoiceRow/RowVatCode") == "O"


def test_b3_finvoice_credit_note_and_rf_reference_validate():
    invoice, lines = an_invoice(kind="credit_note")
    negated = rules.credit_lines(lines)
    invoice.update(rules.totals_of(negated))
    tree = etree.fromstring(finvoice.build(invoice, negated, SETTINGS, TRANSMISSION))
    assert tree.findtext("InvoiceDetails/InvoiceTypeCode") == "INV02"
    assert tree.findtext("InvoiceDetails/InvoiceTotalVatIncludedAmount") == "-50,00"
    invoice, lines = an_invoice()
    tree = etree.fromstring(
        finvoice.build(invoice, lines, from_config({"BILLING_REFERENCE_FORM": "rf"}), TRANSMISSION)
    )
    reference = tree.find("EpiDetails/EpiPaymentInstructionDetails/EpiRemittanceInfoIdentifier")
    assert (reference.text, reference.get("IdentificationSchemeName")) == ("RF6810003", "ISO")


@pytest.mark.parametrize("name", ["finvoice30_bare_minimum.xml", "finvoice30_minimal_membership.xml"])
def test_b3_the_published_samples_validate(name):
    finvoice.validate((FIXTURES / name).read_bytes())


def test_b3_an_invalid_finvoice_is_refused_naming_the_element():
    document = (FIXTURES / "finvoice30_minimal_membership.xml").read_bytes().replace(b"INV01", b"XYZ01")
    with pytest.raises(finvoice.InvalidFinvoice) as error:
        finvoice.validate(document)
    assert error.value.code == "billing.finvoice_invalid"
    assert error.value.params["element"] == "InvoiceTypeCode"
    assert error.value.params["line"] == 37


def printed_qr(data):
    """The EPC QR code on the PDF's page, decoded back with zxing-cpp (the image the page carries)."""
    import zxingcpp

    images = [image.image for page in pypdf.PdfReader(io.BytesIO(data)).pages for image in page.images]
    found = [code.text for image in images for code in zxingcpp.read_barcodes(image)]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("language,form", [("fi", "national"), ("sv", "rf"), ("en", "national")])
def test_b2_the_printed_qr_code_decodes_to_the_epc_payload(language, form):
    """B2: the code zxing-cpp's encoder made (epc_qr) and the page carries decodes to the exact payload."""
    settings = from_config({**SETTINGS_CONFIG, "BILLING_REFERENCE_FORM": form})
    invoice, lines = an_invoice(language, payer_name="Åsa Öberg-Ääkkönen")
    payment = pdf.payment_reference(invoice, settings)
    expected = epc_qr.payload(
        "Esimerkkiyhdistys ry", settings.iban, "NDEAFIHH", Decimal("50.00"), payment, date(2025, 1, 29)
    )
    assert printed_qr(pdf.render(invoice, lines, settings)) == expected


def test_b2_qr_codes_of_many_amounts_and_references_decode_at_error_correction_m():
    import zxingcpp

    for number in range(1000, 1040):
        reference = references.national(str(number))
        data = epc_qr.payload(
            "Yhdistys ry",
            "FI2112345600000785",
            "NDEAFIHH",
            (Decimal(number) / 7).quantize(Decimal("0.01")),
            reference,
            date(2027, 1, 31),
        )
        found = zxingcpp.read_barcodes(epc_qr.qr_image(data))
        assert [code.text for code in found] == [data] and found[0].ec_level == "M"
        assert found[0].extra["DataMask"] == epc_qr.MASK  # fixed: no search of the eight (epc_qr)
        assert epc_qr.version_of(epc_qr.qr_code(data)) <= epc_qr.MAX_VERSION


def test_b2_the_longest_epc_payload_fits_version_13_and_a_longer_one_is_refused():
    """B2: EPC069-12 allows 331 bytes at error correction M (version 13 at most)."""
    import zxingcpp

    longest = "BCD\n001\n1\nSCT\nNDEAFIHH\n" + "x" * (331 - 23)
    assert len(longest.encode()) == 331
    assert epc_qr.version_of(epc_qr.qr_code(longest)) <= epc_qr.MAX_VERSION
    assert zxingcpp.read_barcodes(epc_qr.qr_image(longest))[0].text == longest
    with pytest.raises(epc_qr.BadQr):
        epc_qr.qr_code(longest + "x" * 40)
    with pytest.raises(epc_qr.BadQr):  # the image the invoice prints is refused the same way
        epc_qr.qr_image(longest + "x" * 40)


def test_b2_a_batch_renders_each_invoice_and_keeps_one_that_fails_apart():
    """B2: invoice_pdfs.making.render_batch (the workers' batches): every good invoice's PDF is made and
    has its own number and payer; a broken one is an error for it alone."""
    good, lines = an_invoice(number=1001)
    other, other_lines = an_invoice("en", number=1002, payer_name="Olli Other")
    broken, broken_lines = an_invoice(number=1003, due_date=None)
    made, failed = making.render_batch(
        [good, other, broken],
        {good["id"]: lines, other["id"]: other_lines, broken["id"]: broken_lines},
        {},
        SETTINGS,
    )
    assert set(made) == {good["id"], other["id"]} and set(failed) == {broken["id"]}
    assert "1001" in pdf_text(made[good["id"]]) and "Matti Meikäläinen" in pdf_text(made[good["id"]])
    assert "INVOICE" in pdf_text(made[other["id"]]) and "Olli Other" in pdf_text(made[other["id"]])
    assert made[good["id"]] == pdf.render(good, lines, SETTINGS)  # the same bytes as on demand


def embedded_fonts(data):
    """{BaseFont: (font file, Widths, ToUnicode)} of the first page's embedded TrueType fonts."""
    found = {}
    for font in pypdf.PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        if "/FontDescriptor" in font:
            font_file = font["/FontDescriptor"].get_object()["/FontFile2"].get_object()
            assert len(font_file.get_data()) == font_file["/Length1"]
            found[str(font["/BaseFont"])] = (
                font_file.get_data(),
                list(font["/Widths"]),
                font["/ToUnicode"].get_object().get_data(),
            )
    return found


def reportlab_page(text):
    """``text`` drawn on reportlab's own canvas with a plain TrueType font of the same face, seeded as the
    invoice fonts are: what reportlab itself embeds (its subsets keep the font's hinting)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    regular, _ = invoice_fonts.fonts()
    if "PlainInvoiceSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("PlainInvoiceSans", invoice_fonts.font(regular).face.filename))
    out = io.BytesIO()
    page = canvas.Canvas(out, invariant=1)
    pdfmetrics.getFont("PlainInvoiceSans").splitString(invoice_fonts.SEED, page._doc)
    page.setFont("PlainInvoiceSans", 10)
    page.drawString(10, 10, text)
    page.save()
    return out.getvalue()


def our_page(text):
    regular, _ = invoice_fonts.fonts()
    page = pdf.start("test")
    page.setFont(regular, 10)
    page.drawString(10, 10, text)
    return pdf.finish(page)


def test_b2_the_page_writer_embeds_reportlabs_subsets_without_their_hinting():
    """B2: documents/page_writer.py writes the invoice's PDF itself and reuses each subset's deflated font
    file, widths and ToUnicode map across invoices (fonts.py); the page embeds the subsets reportlab's own
    canvas embeds for the same characters, for the seeded subset and for a name that extends it
    (Cyrillic), with their hinting taken out (fonts.unhinted): the same widths and ToUnicode map byte for
    byte, the font file exactly reportlab's unhinted; and the text extracts back."""
    for text in ("Matti Meikäläinen 50,00 €", "Иван Петров", "Matti Meikäläinen 50,00 €"):
        ours, theirs = embedded_fonts(our_page(text)), embedded_fonts(reportlab_page(text))
        assert list(ours) == list(theirs)
        for (font_file, widths, to_unicode), (hinted, their_widths, their_to_unicode) in zip(
            ours.values(), theirs.values(), strict=True
        ):
            assert (widths, to_unicode) == (their_widths, their_to_unicode)
            assert font_file == invoice_fonts.unhinted(hinted) and len(font_file) < len(hinted) / 2
        assert text in pdf_text(our_page(text))


def test_b2_an_unhinted_subset_has_the_same_glyphs_metrics_and_character_map():
    """fonts.unhinted, read back with fontTools: no hinting tables and no glyph programs left, maxp's
    instruction limits zeroed, the copyright and names kept (IDs 0-6, Windows English), and every glyph's
    outline (points, on-curve flags, contour ends, components), advance and side bearing, the character
    map and the glyph order the very ones of reportlab's hinted subset."""
    from fontTools.ttLib import TTFont as FontFile

    text = "Matti Meikäläinen 50,00 € Łukasz Иван"
    (ours,) = (FontFile(io.BytesIO(found[0])) for found in embedded_fonts(our_page(text)).values())
    (theirs,) = (FontFile(io.BytesIO(found[0])) for found in embedded_fonts(reportlab_page(text)).values())
    assert {"fpgm", "prep", "cvt "} <= set(theirs.keys()) and not {"fpgm", "prep", "cvt "} & set(ours.keys())
    assert set(ours.keys()) == set(theirs.keys()) - {"fpgm", "prep", "cvt "}
    assert (ours["maxp"].maxSizeOfInstructions, ours["maxp"].maxFunctionDefs) == (0, 0)
    assert ours["maxp"].numGlyphs == theirs["maxp"].numGlyphs > len(text.replace(" ", "")) - 5
    assert ours.getGlyphOrder() == theirs.getGlyphOrder()
    assert ours["cmap"].getcmap(1, 0).cmap == theirs["cmap"].getcmap(1, 0).cmap
    assert ours["hmtx"].metrics == theirs["hmtx"].metrics
    names = {(r.nameID, r.platformID, r.platEncID, r.langID) for r in ours["name"].names}
    assert names == {(n, 3, 1, 0x409) for n in range(7)}
    assert ours["name"].getDebugName(0) == theirs["name"].getDebugName(0) and "Bitstream" in str(
        ours["name"].getDebugName(0)
    )
    hinted_programs = 0
    for name in theirs.getGlyphOrder():
        mine, original = ours["glyf"][name], theirs["glyf"][name]
        assert mine.numberOfContours == original.numberOfContours
        if original.isComposite():
            assert [(c.glyphName, c.x, c.y) for c in mine.components] == [
                (c.glyphName, c.x, c.y) for c in original.components
            ]
            assert not hasattr(mine, "program") or not mine.program.getBytecode()
        elif original.numberOfContours:
            coordinates, ends, flags = mine.getCoordinates(ours["glyf"])
            assert (list(coordinates), ends) == (
                list(original.getCoordinates(theirs["glyf"])[0]),
                original.getCoordinates(theirs["glyf"])[1],
            )
            assert [flag & 1 for flag in flags] == [
                flag & 1 for flag in original.getCoordinates(theirs["glyf"])[2]
            ]
            assert not mine.program.getBytecode()
            hinted_programs += bool(original.program.getBytecode())
    assert hinted_programs > 50  # DejaVu's glyphs were hinted: the comparison means something


def rendered(data, scale):
    """The PDF's first page drawn by pdfium (pypdfium2), in grey."""
    import pypdfium2

    return pypdfium2.PdfDocument(data)[0].render(scale=scale, grayscale=True).to_pil().convert("L")


def test_b2_the_invoice_renders_with_unhinted_fonts_as_with_hinted_ones(monkeypatch):
    """The invoice drawn by pdfium with its unhinted font subsets against the same invoice with
    reportlab's hinted subsets (fonts.unhinted bypassed, its caches emptied): at 2x (144 dpi, where
    hinting matters most of what a viewer shows) only anti-aliasing moves, no glyph; pdfium's text is
    the page's, and both the QR code and the bank barcode decode from the drawn page."""
    import zxingcpp
    from PIL import ImageChops

    from services.billing.documents import page_writer

    def forget_made_subsets():
        page_writer._objects.clear()
        for name in invoice_fonts.fonts():
            invoice_fonts.font(name).made.clear()

    invoice, lines = an_invoice("en", payer_name="Иван Петров-Łukasiewicz")
    ours = pdf.render(invoice, lines, SETTINGS)
    monkeypatch.setattr(invoice_fonts, "unhinted", lambda font_file: font_file)
    forget_made_subsets()
    try:
        hinted = pdf.render(invoice, lines, SETTINGS)
    finally:
        monkeypatch.undo()
        forget_made_subsets()
    assert len(ours) < len(hinted) / 2 and pdf.render(invoice, lines, SETTINGS) == ours
    mine, theirs = rendered(ours, 2), rendered(hinted, 2)
    histogram = ImageChops.difference(mine, theirs).histogram()
    inked = sum(theirs.point(lambda value: value < 128 and 255).convert("1").histogram()[1:])
    assert inked > 20_000  # the page has text to compare
    assert sum(histogram[128:]) < inked / 1000, "a glyph is drawn differently"
    assert sum(histogram[64:]) < inked / 200
    import pypdfium2

    text = pypdfium2.PdfDocument(ours)[0].get_textpage().get_text_range()
    assert "Иван Петров-Łukasiewicz" in text and "Total due" in text
    codes = {code.format.name: code.text for code in zxingcpp.read_barcodes(rendered(ours, 3))}
    assert codes["Code128"] == pdf.barcode_of(invoice, SETTINGS)
    assert codes["QRCode"] == printed_qr(ours)
