"""B2, B3: the invoice PDF (texts in the payer's language, the virtual barcode, the Code 128 bank barcode
and the EPC QR code) and Finvoice 3.0 XML that validates against the official schema."""

import io
import uuid
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest
from lxml import etree
from reportlab.graphics.barcode.code128 import Code128

from services.billing.documents import barcode, finvoice, pdf
from services.billing.invoices import rules
from services.billing.settings import from_config
from services.billing.vat.rules import BUILTIN_RATES

FIXTURES = Path(__file__).with_name("fixtures")
SETTINGS = from_config(
    {
        "BILLING_PAYEE_NAME": "Esimerkkiyhdistys ry",
        "BILLING_PAYEE_BUSINESS_ID": "1234567-8",
        "BILLING_IBAN": "FI21 1234 5600 0007 85",
        "BILLING_BIC": "NDEAFIHH",
    }
)


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
