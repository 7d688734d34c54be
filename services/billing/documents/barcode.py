"""The Finnish bank barcode (B2, Bank Bar Code Guide v5.3; formats.md §2.1): the 54-digit virtual barcode
(virtuaaliviivakoodi), version 4 with a national reference, version 5 with an RF reference, and its
decoding (used by the tests and by anyone checking a printed invoice). Printed as Code 128 set C by
documents/pdf.py."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.billing.invoices.money import cents
from services.billing.references import rules as references


class BadBarcode(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Barcode:
    iban: str
    amount: Decimal
    reference: str  # a Finnish reference, or an RF one
    due_date: date | None


def virtual_barcode(iban: str, amount: Decimal, reference: str, due_date: date | None) -> str:
    """The 54 digits. Only Finnish IBANs; amounts up to 999999.99 (0 = the payer enters it)."""
    account = iban.replace(" ", "").upper()
    if not (account.startswith("FI") and len(account) == 18 and account[2:].isdigit()):
        raise BadBarcode("billing.barcode_iban_not_finnish")
    total = cents(amount)
    if not 0 <= total <= 99_999_999:
        raise BadBarcode("billing.barcode_amount_out_of_range")
    euros, cent = divmod(total, 100)
    due = due_date.strftime("%y%m%d") if due_date else "000000"
    text = references.compact(reference)
    if text.startswith("RF"):
        body = text[4:]
        if not references.is_rf(text) or not body.isdigit() or len(body) > 21:
            raise BadBarcode("billing.barcode_reference_invalid")
        digits = f"5{account[2:]}{euros:06d}{cent:02d}{text[2:4]}{body.rjust(21, '0')}{due}"
    else:
        if not references.is_national(text):
            raise BadBarcode("billing.barcode_reference_invalid")
        digits = f"4{account[2:]}{euros:06d}{cent:02d}000{text.rjust(20, '0')}{due}"
    assert len(digits) == 54
    return digits


def decode(digits: str) -> Barcode:
    """The fields of a virtual barcode (the inverse of ``virtual_barcode``)."""
    if len(digits) != 54 or not digits.isdigit() or digits[0] not in "45":
        raise BadBarcode("billing.barcode_invalid")
    iban = "FI" + digits[1:17]
    amount = Decimal(int(digits[17:25])) / 100
    if digits[0] == "4":
        reference = digits[28:48].lstrip("0")
    else:
        reference = f"RF{digits[25:27]}{digits[27:48].lstrip('0')}"
    due = digits[48:54]
    due_date = None if due == "000000" else date(2000 + int(due[:2]), int(due[2:4]), int(due[4:]))
    return Barcode(iban, amount.quantize(Decimal("0.01")), reference, due_date)


def code128c_values(digits: str) -> list[int]:
    """The Code 128 symbol values of the printed barcode: Start C (105), the 27 digit pairs and the
    modulo-103 check symbol (Stop is not a value). For checking what is printed."""
    pairs = [int(digits[index : index + 2]) for index in range(0, len(digits), 2)]
    check = (105 + sum(position * value for position, value in enumerate(pairs, start=1))) % 103
    return [105, *pairs, check]
