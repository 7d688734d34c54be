"""Money (B1): exact euro amounts as Decimal cents. Input with more than two decimals is refused, never
rounded; the one rounding there is (a line's VAT) is explicit: half up to the cent, per line."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999.99")  # the virtual barcode's limit (formats.md §2.1)


class BadAmount(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def parse(value: object, allow_zero: bool = False, allow_negative: bool = False) -> Decimal:
    """An amount from a JSON number or a text (``"12.50"``, ``"12,50"``) with at most two decimals."""
    if isinstance(value, bool) or value is None:
        raise BadAmount("billing.amount_invalid")
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip().replace(",", ".").replace(" ", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise BadAmount("billing.amount_invalid") from None
    if not amount.is_finite():
        raise BadAmount("billing.amount_invalid")
    if amount != amount.quantize(CENT):
        raise BadAmount("billing.amount_precision")
    if amount == 0 and not allow_zero:
        raise BadAmount("billing.amount_zero")
    if amount < 0 and not allow_negative:
        raise BadAmount("billing.amount_negative")
    if abs(amount) > MAX_AMOUNT:
        raise BadAmount("billing.amount_too_large")
    return amount.quantize(CENT)


def vat_of(net: Decimal, rate_percent: Decimal) -> Decimal:
    """The VAT of a net amount at a rate, half up to the cent (the line's one rounding)."""
    return (net * rate_percent / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)


def text(amount: Decimal) -> str:
    """The machine text of an amount: ``"50.00"``."""
    return str(amount.quantize(CENT))


def comma(amount: Decimal) -> str:
    """The Finnish (and Finvoice) form: ``"50,00"``."""
    return text(amount).replace(".", ",")


def cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())
