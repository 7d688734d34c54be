"""The EPC payment QR code (B2; EPC069-12, FFI's QR guide, formats.md §2.3): the "BCD" payload with the
reference in the structured remittance line and the due date as ``ReqdExctnDt/YYYY-MM-DD`` in the
information line (the Finnish convention), rendered with segno at error correction M.

The mask is fixed (``MASK``): segno's search for the best of the eight masks took about half of an
invoice PDF's CPU (7 ms of 15), and any of the eight is a valid QR code that readers decode (the tests
decode the printed code back with zxing-cpp). ``qr_image`` gives the page a grey-scale image built from
the module matrix directly, without a PNG encoded and decoded again."""

import io
from datetime import date
from decimal import Decimal

import segno
from PIL import Image

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


MASK = 3  # the one segno chose for the formats.md §2.3 example; see the module docstring
BORDER = 4  # the quiet zone in modules (ISO/IEC 18004)


def qr_code(data: str) -> segno.QRCode:
    """The QR code (error correction M, version at most 13, as EPC069-12 requires)."""
    code = segno.make_qr(data, error="m", boost_error=False, mask=MASK)
    if code.version > 13:
        raise BadQr("billing.qr_too_long")
    return code


def qr_image(data: str, scale: int = 4) -> Image.Image:
    """The QR code with its quiet zone as an 8-bit grey image, ``scale`` pixels a module."""
    matrix = qr_code(data).matrix
    count = len(matrix)
    size = count + 2 * BORDER
    pixels = bytearray(b"\xff" * (size * size))
    for y, row in enumerate(matrix):
        start = (y + BORDER) * size + BORDER
        pixels[start : start + count] = bytes(0 if dark else 255 for dark in row)
    image = Image.frombytes("L", (size, size), bytes(pixels))
    return image.resize((size * scale, size * scale), Image.Resampling.NEAREST)


def qr_png(data: str, scale: int = 4) -> bytes:
    """The QR code as PNG (a download or another document's image)."""
    out = io.BytesIO()
    qr_code(data).save(out, kind="png", scale=scale, border=BORDER)
    return out.getvalue()
