"""The EPC payment QR code (B2; EPC069-12, FFI's QR guide, formats.md §2.3): the "BCD" payload with the
reference in the structured remittance line and the due date as ``ReqdExctnDt/YYYY-MM-DD`` in the
information line (the Finnish convention), encoded at error correction M.

The code is made by zxing-cpp's encoder (C++; the tests decode it back with zxing-cpp's reader): segno's
pure-Python Reed-Solomon and masking took 1.5 ms of an invoice PDF's ~4 ms even with a fixed mask, the
C++ encoder 0.1-0.5 ms, with its own choice of segments (digits in numeric mode, so the code is often a
version smaller). Its search for the best of the eight masks was four fifths of that (0.5 of 0.6 ms, a
fifth of an invoice's rendering), so the mask is fixed again (``MASK``, as it was with segno): any of
the eight is a valid code that readers decode (the tests decode every printed code and check its
mask). Text in Latin-1 is encoded as bytes in ISO 8859-1, as segno did. ``qr_image`` gives the page
the code with its quiet zone.
"""

import io
from datetime import date
from decimal import Decimal

import zxingcpp
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


MASK = 3  # the data mask of every code: the one segno and zxing-cpp chose for the formats.md §2.3 example
BORDER = 4  # the quiet zone in modules (ISO/IEC 18004); zxing-cpp's image has it
MAX_VERSION = 13  # EPC069-12


def qr_code(data: str) -> zxingcpp.Barcode:
    """The QR code (error correction M, version at most 13, as EPC069-12 requires)."""
    code = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, ec_level="M", data_mask=MASK)
    if version_of(code) > MAX_VERSION:
        raise BadQr("billing.qr_too_long")
    return code


def version_of(code: zxingcpp.Barcode) -> int:
    """The QR code's version, from its size in modules."""
    return _version(memoryview(code.to_image(scale=1, add_quiet_zones=False)).shape[0])


def _version(modules: int) -> int:
    """The version of a QR code ``modules`` wide (17 + 4 x version), without its quiet zone."""
    return (modules - 17) // 4


def qr_image(data: str, scale: int = 4) -> Image.Image:
    """The code with its quiet zone as a black-and-white PIL image, ``scale`` pixels a module (the
    page's image: ``Image.tobytes()`` packs it a bit a pixel, 1 white, as a PDF image takes it)."""
    code = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, ec_level="M", data_mask=MASK)
    pixels = memoryview(code.to_image(scale=scale, add_quiet_zones=True))
    side = pixels.shape[0]
    if _version(side // scale - 2 * BORDER) > MAX_VERSION:  # as qr_code, from the image it made
        raise BadQr("billing.qr_too_long")
    return Image.frombytes("L", (side, side), pixels.tobytes()).convert("1", dither=Image.Dither.NONE)


def qr_png(data: str, scale: int = 4) -> bytes:
    """The QR code as PNG (a download or another document's image)."""
    out = io.BytesIO()
    qr_image(data, scale).save(out, format="PNG")
    return out.getvalue()
