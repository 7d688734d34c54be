"""The invoice PDF (B2), in the payer's language: payee with IBAN and BIC, payer and address, number,
dates, reference, lines with their VAT, the VAT breakdown per rate, the total; then the 54-digit virtual
barcode as text, the printed bank barcode (Code 128 set C) and the EPC payment QR code. A credit note
shows the invoice it credits and no payment part.

The invoice is drawn on documents/page_writer.py's ``Page`` (the PDF written directly, the fonts' objects
formatted once), as is the reminder letter (reminders/document.py: ``start``, ``head``, ``finish``)."""

from decimal import Decimal

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from services.billing.documents import barcode, epc_qr
from services.billing.documents.fonts import fonts
from services.billing.documents.page_writer import Page
from services.billing.documents.texts import texts
from services.billing.invoices import money
from services.billing.invoices.rules import vat_breakdown
from services.billing.references import rules as references

MARGIN = 20 * mm


def _euros(amount, language):
    text = money.text(Decimal(amount))
    return (text if language == "en" else text.replace(".", ",")) + " €"


def _day(day, language):
    return day.isoformat() if language == "en" else f"{day.day}.{day.month}.{day.year}"


def payment_reference(invoice, settings):
    """The reference printed, barcoded and put in the QR code: national or RF (BILLING_REFERENCE_FORM)."""
    return invoice["rf_reference"] if settings.reference_form == "rf" else invoice["reference"]


def barcode_of(invoice, settings):
    """The invoice's 54-digit virtual barcode, or None (a credit note, or nothing left to pay)."""
    if invoice["kind"] != "invoice" or Decimal(invoice["total"]) <= 0:
        return None
    return barcode.virtual_barcode(
        settings.iban, Decimal(invoice["total"]), payment_reference(invoice, settings), invoice["due_date"]
    )


def start(title):
    """A new A4 page (page_writer.Page) titled ``title`` with the invoice fonts seeded: the same font
    subsets as the documents before, made once (documents/fonts.py). The invoice and the reminder PDF."""
    page = Page(title)
    page.seed(fonts())
    return page


def finish(page):
    """The document's bytes."""
    return page.bytes()


def head(page, settings, invoice, words, heading, facts):
    """The top of the invoice and the reminder PDF: the payee with their address and business ID, the
    document's ``heading``, the payer's name and address, and the ``facts`` column [(label, value)]."""
    regular, bold = fonts()
    width, height = A4
    left, right = MARGIN, width - MARGIN
    page.setFont(bold, 12)
    page.drawString(left, height - 20 * mm, settings.payee_name)
    page.setFont(regular, 9)
    y = height - 25 * mm
    for text in [
        settings.payee_address,
        f"{words['business_id']} {settings.payee_business_id}" if settings.payee_business_id else "",
    ]:
        if text:
            page.drawString(left, y, text)
            y -= 4.5 * mm
    page.setFont(bold, 16)
    page.drawRightString(right, height - 20 * mm, heading)

    y = height - 45 * mm
    page.setFont(regular, 10)
    for text in [
        invoice["payer_name"],
        invoice.get("street"),
        " ".join(part for part in (invoice.get("postal_code"), invoice.get("city")) if part),
    ]:
        if text:
            page.drawString(left, y, text)
            y -= 5 * mm

    y = height - 45 * mm
    for label, value in facts:
        page.setFont(regular, 9)
        page.drawString(width / 2 + 5 * mm, y, label)
        page.setFont(bold, 9)
        page.drawRightString(right, y, value)
        y -= 5 * mm


def render(invoice, lines, settings, credited_number=None):
    regular, bold = fonts()
    language = invoice["language"]
    words = texts(language)
    width, height = A4
    left, right = MARGIN, width - MARGIN

    facts = [
        (words["number"], str(invoice["number"])),
        (words["date"], _day(invoice["invoice_date"], language)),
    ]
    if invoice["kind"] == "invoice":
        facts += [
            (words["due"], _day(invoice["due_date"], language)),
            (words["reference"], references.paper(payment_reference(invoice, settings))),
            (words["terms"], words["terms_days"].format(days=settings.payment_days)),
        ]
    elif credited_number is not None:
        facts.append(("", words["credits"].format(number=credited_number)))
    page = start(f"{words[invoice['kind']]} {invoice['number']}")
    head(page, settings, invoice, words, words[invoice["kind"]], facts)

    y = height - 90 * mm
    columns = [
        (left, "description", "l"),
        (left + 85 * mm, "quantity", "r"),
        (left + 105 * mm, "unit_price", "r"),
        (left + 122 * mm, "vat_rate", "r"),
        (left + 145 * mm, "vat", "r"),
        (right, "gross", "r"),
    ]
    page.setFont(bold, 9)
    for x, key, align in columns:
        (page.drawString if align == "l" else page.drawRightString)(x, y, words[key])
    page.line(left, y - 2 * mm, right, y - 2 * mm)
    y -= 7 * mm
    page.setFont(regular, 9)
    for line in lines:
        values = {
            "description": line["description"][:60],
            "quantity": format(Decimal(line["quantity"]).normalize(), "f"),
            "unit_price": _euros(line["unit_price"], language),
            "vat_rate": format(Decimal(line["vat_rate"]).normalize(), "f"),
            "vat": _euros(line["vat"], language),
            "gross": _euros(line["gross"], language),
        }
        for x, key, align in columns:
            (page.drawString if align == "l" else page.drawRightString)(x, y, values[key])
        y -= 5 * mm

    y -= 4 * mm
    page.setFont(bold, 9)
    page.drawString(left, y, words["vat_breakdown"])
    y -= 5 * mm
    page.setFont(regular, 9)
    for rate in vat_breakdown(lines):
        label = f"{words['vat']} {format(rate['rate'].normalize(), 'f')} %"
        if rate["rate"] == 0:
            label += f" ({words['vat_none']})"
        page.drawString(left, y, label)
        page.drawRightString(left + 145 * mm, y, f"{words['net']} {_euros(rate['net'], language)}")
        page.drawRightString(right, y, f"{words['vat']} {_euros(rate['vat'], language)}")
        y -= 5 * mm
    y -= 3 * mm
    page.setFont(bold, 12)
    page.drawString(left, y, words["total"])
    page.drawRightString(right, y, _euros(invoice["total"], language))

    digits = barcode_of(invoice, settings)
    if digits:
        _payment_part(page, invoice, settings, digits, words, language, regular, bold, left, right)
    return finish(page)


def _payment_part(page, invoice, settings, digits, words, language, regular, bold, left, right):
    """The giro part: payee, IBAN, BIC, reference, due date, amount, the barcode and the QR code."""
    top = 95 * mm
    page.line(left, top, right, top)
    rows = [
        (words["payee"], settings.payee_name),
        (words["iban"], settings.iban),
        (words["bic"], settings.bic),
        (words["payer"], invoice["payer_name"]),
        (words["reference"], references.paper(payment_reference(invoice, settings))),
        (words["due"], _day(invoice["due_date"], language)),
        (words["total"], _euros(invoice["total"], language)),
    ]
    y = top - 7 * mm
    for label, value in rows:
        page.setFont(regular, 8)
        page.drawString(left, y, label)
        page.setFont(bold, 10)
        page.drawString(left + 45 * mm, y, value)
        y -= 6 * mm
    page.setFont(regular, 7)
    page.drawString(left, y, words["use_reference"] + " " + words["interest"])
    qr = epc_qr.payload(
        settings.payee_name,
        settings.iban,
        settings.bic,
        Decimal(invoice["total"]),
        payment_reference(invoice, settings),
        invoice["due_date"],
    )
    image = epc_qr.qr_image(qr)
    page.image(right - 35 * mm, top - 42 * mm, 35 * mm, 35 * mm, image.tobytes(), image.size)
    page.bars(left + BAR_QUIET, 18 * mm, BAR_MODULE, BAR_HEIGHT, bank_bars(digits))
    page.setFont(regular, 8)
    page.drawString(left, 13 * mm, f"{words['barcode']}: {digits}")


BAR_MODULE, BAR_HEIGHT, BAR_QUIET = 0.25 * mm, 13 * mm, 6.4 * mm


def bank_bars(digits):
    """The bank barcode's bars [(first module, modules wide)]: reportlab's Code 128 of the 54 digits (set
    C: Start C, 27 pairs, check, Stop), in modules of BAR_MODULE (0.25 mm), FFI's barcode guide."""
    code = Code128(digits)
    code.validate()
    code.encode()
    bars, at = [], 0
    for part in code.decompose():  # "A".."D": a bar of 1-4 modules, "a".."d": a space
        width = ord(part.lower()) - ord("a") + 1
        if part.isupper():
            bars.append((at, width))
        at += width
    return bars
