"""The EPC payment QR code (B2; EPC069-12, FFI's QR guide, formats.md §2.3): the "BCD" payload with the
reference in the structured remittance line and the due date as ``ReqdExctnDt/YYYY-MM-DD`` in the
information line (the Finnish convention), rendered with segno at error correction M."""

import io
from datetime import date
from decimal import Decimal

import segno

from services.billing.invoices.money import text


class BadQr(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def payload(name: str, iban: str, bic: str, amount: Decimal, reference: str, due_date: date | None) -> str:
    """The 12-line (or shorter) payload, version 001 with the BIC, UTF-8."""
    if not 0 < amount <= Decimal("999999999.99"):
        raise BadQr("billing.qr_amount_out_of_range")
    lines = [
        "BCD",
        "001",
        "1",
        "SCT",
        bic,
        name[:70],
        iban.replace(" ", ""),
        f"EUR{text(amount)}",
        "",
        reference.replace(" ", ""),
        "",
        f"ReqdExctnDt/{due_date.isoformat()}" if due_date else "",
    ]
    while lines and lines[-1] == "":
        lines.pop()
    data = "\n".join(lines)
    if len(data.encode("utf-8")) > 331:
        raise BadQr("billing.qr_too_long")
    return data


def qr_png(data: str, scale: int = 4) -> bytes:
    """The QR code as PNG (error correction M, version at most 13, as EPC069-12 requires)."""
    code = segno.make_qr(data, error="m", boost_error=False)
    if code.version > 13:
        raise BadQr("billing.qr_too_long")
    out = io.BytesIO()
    code.save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
