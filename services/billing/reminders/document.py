"""A reminder as a document (B4): the reminder PDF in the payer's language ("Maksumuistutus" /
"Betalningspåminnelse" / "Payment reminder"), the look of the invoice PDF (documents/pdf.py), with the
original invoice's number, reference and due date, the open principal, the fee, the interest, earlier
unpaid charges, the new total and due date, and the bank barcode and EPC QR of the new total; and the
same reminder as a Finvoice message (type INV09) for the e-invoice path."""

from decimal import Decimal

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from services.billing.documents import barcode, finvoice, pdf
from services.billing.documents.fonts import fonts
from services.billing.documents.texts import texts
from services.billing.einvoice.message import DEFAULT_OPERATOR, PLACEHOLDER_ADDRESS
from services.billing.references import rules as references

ZERO = Decimal("0.00")


def payable(reminder, invoice):
    """The invoice as the giro part prints it: the reminder's total and new due date, the invoice's
    reference (a payment to it is matched to the invoice and pays the reminder's charges too)."""
    return {
        **invoice,
        "kind": "invoice",
        "total": Decimal(reminder["total"]),
        "due_date": reminder["due_date"],
    }


def lines_of(reminder, words, language):
    """[(text, amount)] of the reminder: open principal, earlier charges still open, fee, interest."""
    earlier = Decimal(reminder["total"]) - Decimal(reminder["principal_open"])
    earlier -= Decimal(reminder["fee"]) + Decimal(reminder["interest"])
    rows = [(words["open_principal"], Decimal(reminder["principal_open"]))]
    if earlier:
        rows.append((words["earlier_charges"], earlier))
    if Decimal(reminder["fee"]):
        rows.append((words["reminder_fee"], Decimal(reminder["fee"])))
    if Decimal(reminder["interest"]):
        interest_text = words["late_interest"].format(
            rate=_rate(reminder.get("interest_rate"), language),
            start=pdf._day(reminder["interest_from"], language),
            end=pdf._day(reminder["interest_to"], language),
        )
        rows.append((interest_text, Decimal(reminder["interest"])))
    return rows


def _rate(text, language):
    text = text or ""
    return text if language == "en" else text.replace(".", ",")


def render(reminder, invoice, settings):
    """The reminder PDF (bytes): the invoice PDF's head and giro part (documents/pdf.py)."""
    regular, bold = fonts()
    language = invoice["language"]
    words = texts(language)
    width, height = A4
    left, right = pdf.MARGIN, width - pdf.MARGIN
    shown = payable(reminder, invoice)
    facts = [
        (words["reminder_level"], str(reminder["level"])),
        (words["reminder_date"], pdf._day(reminder["reminder_date"], language)),
        (words["original_invoice"], str(invoice["number"])),
        (words["date"], pdf._day(invoice["invoice_date"], language)),
        (words["original_due"], pdf._day(invoice["due_date"], language)),
        (words["days_overdue"], str(reminder["days_overdue"])),
        (words["reference"], references.paper(pdf.payment_reference(invoice, settings))),
        (words["new_due"], pdf._day(reminder["due_date"], language)),
    ]
    page = pdf.start(f"{words['reminder_title']} {invoice['number']}/{reminder['level']}")
    pdf.head(page, settings, invoice, words, words["reminder"], facts)

    y = height - 100 * mm
    page.setFont(regular, 9)
    for chunk in _wrapped(words["reminder_intro"], 105):
        page.drawString(left, y, chunk)
        y -= 4.5 * mm
    y -= 4 * mm
    page.setFont(bold, 9)
    page.drawString(left, y, words["description"])
    page.drawRightString(right, y, words["gross"])
    page.line(left, y - 2 * mm, right, y - 2 * mm)
    y -= 7 * mm
    page.setFont(regular, 9)
    for text, amount in lines_of(reminder, words, language):
        page.drawString(left, y, text)
        page.drawRightString(right, y, pdf._euros(amount, language))
        y -= 5 * mm
    y -= 3 * mm
    page.setFont(bold, 12)
    page.drawString(left, y, words["total"])
    page.drawRightString(right, y, pdf._euros(reminder["total"], language))
    y -= 6 * mm
    page.setFont(regular, 8)
    page.drawString(left, y, words["allocation"])

    digits = pdf.barcode_of(shown, settings)
    if digits:
        pdf._payment_part(page, shown, settings, digits, words, language, regular, bold, left, right)
    return pdf.finish(page)


def _wrapped(text, width):
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    return lines


def finvoice_lines(reminder, invoice):
    """The reminder's rows as Finvoice invoice rows (no VAT: fees and interest are not sales)."""
    words = texts(invoice["language"])
    rows = []
    for position, (text, amount) in enumerate(lines_of(reminder, words, invoice["language"]), start=1):
        rows.append(
            {
                "position": position,
                "description": text,
                "quantity": Decimal(1),
                "unit_price": amount,
                "vat_class": "none",
                "vat_rate": ZERO,
                "account": "",
                "net": amount,
                "vat": ZERO,
                "gross": amount,
            }
        )
    return rows


def finvoice_message(reminder, invoice, settings, config, transmission):
    """The reminder as Finvoice 3.0 XML (bytes, validated) to ``transmission``."""
    own_operator = str(config.get("BILLING_EINVOICE_OPERATOR") or DEFAULT_OPERATOR)
    addresses = {
        "from_identifier": settings.payee_business_id.replace("-", "") or PLACEHOLDER_ADDRESS,
        "from_intermediator": own_operator,
        "to_identifier": transmission.get("to_identifier") or PLACEHOLDER_ADDRESS,
        "to_intermediator": transmission.get("to_intermediator") or own_operator,
    }
    total = Decimal(reminder["total"])
    document = {
        **invoice,
        "kind": "reminder",
        "message_id": f"piiri-{invoice['number']}-r{reminder['level']}",
        "invoice_date": reminder["reminder_date"],
        "due_date": reminder["due_date"],
        "net_total": total,
        "vat_total": ZERO,
        "total": total,
    }
    digits = pdf.barcode_of(payable(reminder, invoice), settings)
    return finvoice.build(document, finvoice_lines(reminder, invoice), settings, addresses, digits)


def barcode_digits(reminder, invoice, settings):
    """The reminder's virtual barcode (the new total and due date), or None (nothing to pay)."""
    digits = pdf.barcode_of(payable(reminder, invoice), settings)
    if digits:
        barcode.decode(digits)  # a malformed code fails here, not at the bank
    return digits
