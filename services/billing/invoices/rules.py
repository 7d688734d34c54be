"""Invoice lines and totals (B1): each line's net, VAT (at the rate of the invoice's date) and gross,
and the invoice's VAT breakdown by rate; a credit note's lines are the original's negated (their
federation split too). Pure."""

from datetime import date
from decimal import Decimal, InvalidOperation

from services.billing.invoices import money
from services.billing.vat.rules import rate_on

MAX_LINES = 100


class BadInvoice(ValueError):
    """``code`` and ``field`` (e.g. ``lines.0.unit_price``)."""

    def __init__(self, code: str, field: str) -> None:
        super().__init__(code)
        self.code = code
        self.field = field


def quantity_of(value: object, field: str) -> Decimal:
    try:
        quantity = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        raise BadInvoice("billing.quantity_invalid", field) from None
    if not quantity.is_finite() or quantity <= 0 or quantity != quantity.quantize(Decimal("0.01")):
        raise BadInvoice("billing.quantity_invalid", field)
    if quantity > 100000:
        raise BadInvoice("billing.quantity_invalid", field)
    return quantity.quantize(Decimal("0.01"))


def priced_lines(lines: list[dict], rates, invoice_date: date) -> list[dict]:
    """Lines with position, quantity, unit_price, vat_rate, net, vat and gross (Decimal)."""
    if not lines:
        raise BadInvoice("billing.lines_required", "lines")
    if len(lines) > MAX_LINES:
        raise BadInvoice("billing.too_many_lines", "lines")
    priced = []
    for position, line in enumerate(lines):
        field = f"lines.{position}"
        try:
            unit_price = money.parse(line["unit_price"])
        except money.BadAmount as exc:
            raise BadInvoice(exc.code, f"{field}.unit_price") from None
        quantity = quantity_of(line.get("quantity", "1"), f"{field}.quantity")
        net = unit_price * quantity
        if net != net.quantize(money.CENT):
            raise BadInvoice("billing.amount_precision", f"{field}.quantity")  # never rounded silently
        try:
            rate = rate_on(rates, line.get("vat_class", "none"), invoice_date)
        except LookupError as exc:
            raise BadInvoice(getattr(exc, "code", "billing.vat_rate_missing"), f"{field}.vat_class") from None
        vat = money.vat_of(net, rate)
        priced.append(
            {
                "position": position + 1,
                "description": line["description"],
                "quantity": quantity,
                "unit_price": unit_price,
                "vat_class": line.get("vat_class", "none"),
                "vat_rate": rate,
                "account": line.get("account", ""),
                "net": net.quantize(money.CENT),
                "vat": vat,
                "gross": (net + vat).quantize(money.CENT),
            }
        )
    totals = totals_of(priced)
    if totals["total"] > money.MAX_AMOUNT:
        raise BadInvoice("billing.amount_too_large", "lines")
    return priced


def totals_of(lines: list[dict]) -> dict[str, Decimal]:
    net = sum((line["net"] for line in lines), Decimal("0.00"))
    vat = sum((line["vat"] for line in lines), Decimal("0.00"))
    return {"net_total": net, "vat_total": vat, "total": net + vat}


def vat_breakdown(lines: list[dict]) -> list[dict]:
    """[{"rate", "net", "vat", "gross"}] per VAT rate, highest first (what the invoice must show per rate)."""
    by_rate: dict[Decimal, dict] = {}
    for line in lines:
        row = by_rate.setdefault(
            Decimal(line["vat_rate"]),
            {
                "rate": Decimal(line["vat_rate"]),
                "net": Decimal("0"),
                "vat": Decimal("0"),
                "gross": Decimal("0"),
            },
        )
        for key in ("net", "vat", "gross"):
            row[key] += Decimal(line[key])
    return sorted(by_rate.values(), key=lambda row: row["rate"], reverse=True)


def credit_lines(lines: list[dict]) -> list[dict]:
    """A credit note's lines: the original's, every amount negated, rates kept (not re-looked up)."""
    return [
        {
            **{
                key: line[key]
                for key in ("position", "description", "quantity", "vat_class", "vat_rate", "account")
            },
            "unit_price": -Decimal(line["unit_price"]),
            "net": -Decimal(line["net"]),
            "vat": -Decimal(line["vat"]),
            "gross": -Decimal(line["gross"]),
            "split": [{**part, "amount": -Decimal(part["amount"])} for part in line.get("split") or ()],
        }
        for line in lines
    ]


def status_after(total: Decimal, paid: Decimal, credited: bool) -> str:
    """open, partly_paid, paid or overpaid from what has been paid against the total."""
    if credited:
        return "credited"
    if paid <= 0:
        return "open"
    if paid < total:
        return "partly_paid"
    return "paid" if paid == total else "overpaid"


def charges_of(invoice) -> Decimal:
    """The reminder fees and interest charged on an invoice (B4): owed with its total."""
    return Decimal(invoice.get("reminder_fees") or 0) + Decimal(invoice.get("reminder_interest") or 0)
