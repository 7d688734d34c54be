"""Finvoice 3.0 (B3; formats.md §4.1): an invoice or credit note as Finvoice XML, built with lxml and
validated against the official schema shipped beside this module (documents/schema/Finvoice3.0.xsd).
A message that does not validate is never sent: the error names the element and line."""

from decimal import Decimal
from functools import cache
from pathlib import Path

from lxml import etree

from piiri import clock
from services.billing.invoices import money
from services.billing.invoices.rules import vat_breakdown

SCHEMA = Path(__file__).with_name("schema") / "Finvoice3.0.xsd"
TYPE_TEXT = {
    "invoice": ("INV01", "LASKU"),
    "credit_note": ("INV02", "HYVITYSLASKU"),
    "reminder": ("INV09", "MAKSUMUISTUTUS"),  # B4: a payment reminder (reminders/document.py)
}


class InvalidFinvoice(ValueError):
    def __init__(self, code: str, element: str, line: int | None) -> None:
        super().__init__(code)
        self.code = code
        self.params = {"element": element, "line": line}


@cache
def schema():
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def _add(parent, tag, text=None, **attributes):
    element = etree.SubElement(parent, tag, **attributes)
    if text is not None:
        element.text = text
    return element


def _amount(parent, tag, amount):
    return _add(parent, tag, money.comma(Decimal(amount)), AmountCurrencyIdentifier="EUR")


def _date(parent, tag, day):
    return _add(parent, tag, day.strftime("%Y%m%d"), Format="CCYYMMDD")


def _name(text):
    """2-70 characters, as Finvoice's organisation names must be."""
    return (text or "-").strip().ljust(2, ".")[:70]


def build(invoice, lines, settings, transmission, barcode_digits=None, now=None):
    """The Finvoice document (bytes, UTF-8). ``transmission``: {"to_identifier", "to_intermediator",
    "from_identifier", "from_intermediator"} (the e-invoice addresses and operators)."""
    root = etree.Element("Finvoice", Version="3.0")
    details = _add(root, "MessageTransmissionDetails")
    sender = _add(details, "MessageSenderDetails")
    _add(sender, "FromIdentifier", transmission["from_identifier"])
    _add(sender, "FromIntermediator", transmission["from_intermediator"])
    receiver = _add(details, "MessageReceiverDetails")
    _add(receiver, "ToIdentifier", transmission["to_identifier"])
    _add(receiver, "ToIntermediator", transmission["to_intermediator"])
    message = _add(details, "MessageDetails")
    _add(message, "MessageIdentifier", invoice.get("message_id") or f"piiri-{invoice['number']}")
    _add(message, "MessageTimeStamp", (now or clock.local_now()).strftime("%Y-%m-%dT%H:%M:%S"))

    seller = _add(root, "SellerPartyDetails")
    if settings.payee_business_id:
        _add(seller, "SellerPartyIdentifier", settings.payee_business_id)
    _add(seller, "SellerOrganisationName", _name(settings.payee_name))
    info = _add(root, "SellerInformationDetails")
    account = _add(info, "SellerAccountDetails")
    _add(account, "SellerAccountID", settings.iban, IdentificationSchemeName="IBAN")
    _add(account, "SellerBic", settings.bic, IdentificationSchemeName="BIC")

    buyer = _add(root, "BuyerPartyDetails")
    _add(buyer, "BuyerOrganisationName", _name(invoice["payer_name"]))
    if invoice.get("street") and invoice.get("city") and invoice.get("postal_code"):
        address = _add(buyer, "BuyerPostalAddressDetails")
        _add(address, "BuyerStreetName", invoice["street"][:35])
        _add(address, "BuyerTownName", invoice["city"][:35])
        _add(address, "BuyerPostCodeIdentifier", invoice["postal_code"][:35])
        _add(address, "CountryCode", invoice.get("country") or "FI")

    code, text = TYPE_TEXT[invoice["kind"]]
    head = _add(root, "InvoiceDetails")
    _add(head, "InvoiceTypeCode", code)
    _add(head, "InvoiceTypeText", text)
    _add(head, "OriginCode", "Original")
    _add(head, "InvoiceNumber", str(invoice["number"]))
    _date(head, "InvoiceDate", invoice["invoice_date"])
    _amount(head, "InvoiceTotalVatExcludedAmount", invoice["net_total"])
    _amount(head, "InvoiceTotalVatAmount", invoice["vat_total"])
    _amount(head, "InvoiceTotalVatIncludedAmount", invoice["total"])
    for rate in vat_breakdown(lines):
        vat = _add(head, "VatSpecificationDetails")
        _amount(vat, "VatBaseAmount", rate["net"])
        _add(vat, "VatRatePercent", _percent(rate["rate"]))
        _add(vat, "VatCode", "S" if rate["rate"] > 0 else "O")
        _amount(vat, "VatRateAmount", rate["vat"])
    terms = _add(head, "PaymentTermsDetails")
    _add(terms, "PaymentTermsFreeText", f"{settings.payment_days} päivää netto")
    _date(terms, "InvoiceDueDate", invoice["due_date"])
    if barcode_digits:
        _add(root, "VirtualBankBarcode", barcode_digits)

    for line in lines:
        row = _add(root, "InvoiceRow")
        _add(row, "ArticleName", line["description"][:100])
        _add(row, "InvoicedQuantity", _percent(Decimal(line["quantity"])), QuantityUnitCode="kpl")
        _amount(row, "UnitPriceAmount", line["unit_price"])
        _add(row, "RowVatRatePercent", _percent(Decimal(line["vat_rate"])))
        _add(row, "RowVatCode", "S" if Decimal(line["vat_rate"]) > 0 else "O")
        _amount(row, "RowVatAmount", line["vat"])
        _amount(row, "RowVatExcludedAmount", line["net"])
        _amount(row, "RowAmount", line["gross"])

    epi = _add(root, "EpiDetails")
    identification = _add(epi, "EpiIdentificationDetails")
    _date(identification, "EpiDate", invoice["invoice_date"])
    _add(identification, "EpiReference", str(invoice["number"]))
    party = _add(epi, "EpiPartyDetails")
    bfi = _add(party, "EpiBfiPartyDetails")
    _add(bfi, "EpiBfiIdentifier", settings.bic, IdentificationSchemeName="BIC")
    beneficiary = _add(party, "EpiBeneficiaryPartyDetails")
    _add(beneficiary, "EpiNameAddressDetails", settings.payee_name[:35])
    _add(beneficiary, "EpiAccountID", settings.iban, IdentificationSchemeName="IBAN")
    payment = _add(epi, "EpiPaymentInstructionDetails")
    if invoice.get("reference"):
        if settings.reference_form == "rf":
            _add(
                payment,
                "EpiRemittanceInfoIdentifier",
                invoice["rf_reference"],
                IdentificationSchemeName="ISO",
            )
        else:
            _add(payment, "EpiRemittanceInfoIdentifier", invoice["reference"], IdentificationSchemeName="SPY")
    _amount(payment, "EpiInstructedAmount", invoice["total"])
    _add(payment, "EpiCharge", "SLEV", ChargeOption="SLEV")
    _date(payment, "EpiDateOptionDate", invoice["due_date"])
    document = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    validate(document)
    return document


def _percent(value):
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",")


def validate(document: bytes) -> None:
    """Raise InvalidFinvoice naming the first element the schema refuses."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        tree = etree.fromstring(document, parser)
    except etree.XMLSyntaxError as exc:
        raise InvalidFinvoice("billing.finvoice_malformed", "", exc.lineno) from None
    checker = schema()
    if not checker.validate(tree):
        error = checker.error_log.last_error
        element = (error.path or "").rsplit("/", 1)[-1]
        raise InvalidFinvoice("billing.finvoice_invalid", element, error.line)
