"""A fast raw pass over one .xlsx sheet's XML: the last row holding a value, formulas, merged cells.

openpyxl would walk every row element to learn where the data ends; a sheet formatted down to row
1,048,576 has a million of them. Scanning the decompressed XML with bytes searches (C speed, in
chunks) finds the last value and its row in well under a second, so reading can stop there.
"""

import re
import zlib
from dataclasses import dataclass, field

CHUNK = 4 * 1024 * 1024
OVERLAP = 512  # longer than any tag we look for, so one split across chunks is still found
VALUE_ENDS = (b"</v>", b":v>", b"</is>", b":is>")
ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
ROW_NUMBER = re.compile(rb'\br="(\d+)"')
FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")
MERGE_TAG = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')


@dataclass
class SheetScan:
    """``last_row``: the number of the last row with a value (0: none); ``has_formulas``; ``merged``:
    the merged ranges ('A1:B1'); ``cells``: the cell elements (the cell limit of limits.py);
    ``has_errors``: error cells (#N/A), which xlsx_calamine.py does not read."""

    last_row: int = 0
    cells: int = 0
    has_errors: bool = False
    has_formulas: bool = False
    merged: list = field(default_factory=list)


def scan_sheet(archive, path):
    """Scan the sheet at ``path`` in the open zip ``archive``.

    Raises zipfile.BadZipFile (or zlib.error / EOFError) for a damaged package: the caller reports a
    truncated file.
    """
    scan = SheetScan()
    current_row = 0  # the row element open at the end of the text seen so far
    rows_seen = 0  # for sheets whose row elements have no r="" attribute
    tail = b""
    try:
        with archive.open(path) as stream:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                text = tail + chunk
                start = len(tail)
                if not tail:  # prefixed elements (<x:row>) are looked for only in sheets that use them
                    prefixed = b":worksheet" in text[:4096]
                current_row, rows_seen = _scan_text(scan, text, start, current_row, rows_seen, prefixed)
                tail = text[-OVERLAP:]
    except zlib.error as exc:
        import zipfile

        raise zipfile.BadZipFile(str(exc)) from None
    return scan


def _scan_text(scan, text, start, current_row, rows_seen, prefixed=True):
    """Update ``scan`` from ``text`` whose first ``start`` bytes were already seen (the overlap)."""
    if not scan.has_formulas and (prefixed or b"<f" in text) and FORMULA_TAG.search(text):
        scan.has_formulas = True
    if not scan.has_errors and b't="e"' in text:
        scan.has_errors = True
    if b"mergeCell" in text:
        for ref in MERGE_TAG.findall(text, max(start - 200, 0)):
            ref = ref.decode()
            if ref not in scan.merged:
                scan.merged.append(ref)
    scan.cells += text.count(b"<c ", start) + text.count(b"<c>", start)
    new_rows = text.count(b"<row", start)
    if prefixed:
        scan.cells += text.count(b":c ", start) + text.count(b":c>", start)
        new_rows += text.count(b":row ", start) + text.count(b":row>", start)
    last_value = max(text.rfind(marker) for marker in VALUE_ENDS)
    if last_value >= start:
        row = _row_before(text, last_value)
        if row is not None:
            scan.last_row = row or rows_seen + text.count(b"<row", start, last_value)
        else:
            scan.last_row = max(scan.last_row, current_row)
    last_tag = _row_before(text, len(text))
    if last_tag is not None:
        current_row = last_tag or rows_seen + new_rows
    return current_row, rows_seen + new_rows


def _row_before(text, position):
    """The number of the last row element starting before ``position``: its r="" (0 when it has none),
    or None when no row element starts in ``text`` before it."""
    cut = max(
        text.rfind(b"<row", 0, position), text.rfind(b":row ", 0, position), text.rfind(b":row>", 0, position)
    )
    if cut < 0:
        return None
    match = ROW_TAG.match(text, cut if text[cut : cut + 1] == b"<" else text.rfind(b"<", 0, cut))
    if not match:
        return None
    number = ROW_NUMBER.search(match.group(1))
    return int(number.group(1)) if number else 0
