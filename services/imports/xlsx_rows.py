"""Fast reading of an .xlsx sheet's cell values (I1): the same values as openpyxl's read-only mode,
several times faster.

openpyxl builds an element tree node and runs a dozen Python steps per cell; an import reads millions
of cells. Here the decompressed sheet XML is cut at row ends and each row's cells are found with
regular expressions, using openpyxl's own shared strings, date styles and epoch of the workbook.
Sheets whose XML uses namespace prefixes fall back to openpyxl (``supported`` says which);
test_xlsx_rows.py checks both give the same values on files of openpyxl, LibreOffice and Piiri.
"""

import io
import re
from html import unescape

from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

CHUNK = 2 * 1024 * 1024
ROW = re.compile(rb"<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.S)
CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
ROW_NUMBER = re.compile(rb'\br="(\d+)"')
CELL_REF = re.compile(rb'\br="([A-Z]+)\d+"')
CELL_TYPE = re.compile(rb'\bt="(\w+)"')
CELL_STYLE = re.compile(rb'\bs="(\d+)"')
VALUE = re.compile(rb"<v(?:\s[^>]*)?>(.*?)</v>", re.S)
TEXT = re.compile(rb"<t(?:\s[^>]*)?>(.*?)</t>", re.S)
PHONETIC = re.compile(rb"<rPh\b.*?</rPh>", re.S)
# The cell as Excel, LibreOffice and openpyxl write it (attributes r, s, t in this order; a value, an
# inline string or nothing, maybe after a formula): one findall per row. Rows with any other cell form
# are read with the general expressions above.
COMMON_CELL = re.compile(
    rb'<c r="([A-Z]+)\d+"(?: s="(\d+)")?(?: t="(\w+)")?\s*(?:/>|>(?:<f\b[^>]*?(?:/>|>[^<]*</f>))?'
    rb"(?:<v>([^<]*)</v>|<is><t(?:\s[^>]*)?>([^<]*)</t></is>|<v\s*/>)?</c>)"
)
COLUMN_INDEX = {}


class _LazySheet(ReadOnlyWorksheet):
    """openpyxl's read-only sheet, minus its size check on opening: for a sheet without a <dimension>
    (openpyxl's write-only files) that parses the whole sheet, on every open. xlsx_scan finds the
    size instead, and every read here gives max_row."""

    def _get_size(self):
        pass


class _Reader(ExcelReader):
    def read_worksheets(self):
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                continue
            worksheet = _LazySheet(self.wb, sheet.name, rel.target, self.shared_strings)
            worksheet.sheet_state = sheet.state
            self.wb._sheets.append(worksheet)


def load_workbook(data, data_only=True):
    """openpyxl.load_workbook(read_only=True) of ``data`` (bytes), opening in milliseconds whatever
    the sheets' size; its exceptions are openpyxl's."""
    reader = _Reader(io.BytesIO(data), read_only=True, data_only=data_only, keep_links=False)
    reader.read()
    return reader.wb


def supported(archive, path):
    """Whether the fast reader handles this sheet (no namespace prefixes on its elements)."""
    with archive.open(path) as stream:
        head = stream.read(4096)
    return b"<worksheet" in head and b":worksheet" not in head


def column_index(letters):
    """b'A' -> 0, b'AB' -> 27 (cached)."""
    index = COLUMN_INDEX.get(letters)
    if index is None:
        index = 0
        for char in letters:
            index = index * 26 + char - 64
        index -= 1
        COLUMN_INDEX[letters] = index
    return index


def iter_rows(worksheet, min_row, max_row, width):
    """(row_number, [value] * width) for every row element from ``min_row`` to ``max_row`` of the
    read-only ``worksheet`` (openpyxl's); rows that are not in the XML are not yielded."""
    reader = _CellReader(worksheet, width)
    for number, content in _row_contents(worksheet, min_row, max_row):
        yield number, reader.row(content)


def uncomputed_formulas(worksheet, max_row):
    """The cells ('H2') holding a formula without a computed value (no <v>, and not a text result)."""
    found = []
    for number, content in _row_contents(worksheet, 1, max_row):
        if not content or b"<f" not in content:
            continue
        for position, match in enumerate(CELL.finditer(content)):
            attributes, inner = match.groups()
            if not inner or b"<f" not in inner or VALUE.search(inner) or b't="str"' in attributes:
                continue
            ref = CELL_REF.search(attributes)
            found.append(f"{ref.group(1).decode() if ref else get_column_letter(position + 1)}{number}")
    return found


def _row_contents(worksheet, min_row, max_row):
    """(row_number, the XML inside the row element or None) from ``min_row`` to ``max_row``."""
    counter = 0
    with worksheet.parent._archive.open(worksheet._worksheet_path) as stream:
        rest = b""
        while True:
            chunk = stream.read(CHUNK)
            text = rest + chunk
            end = text.rfind(b"</row>") + 6 if chunk else len(text)
            if chunk and end == 5:  # no complete row yet
                rest = text
                continue
            for match in ROW.finditer(text, 0, end):
                number = ROW_NUMBER.search(match.group(1))
                counter = int(number.group(1)) if number else counter + 1
                if counter < min_row:
                    continue
                if counter > max_row:
                    return
                yield counter, match.group(2)
            rest = text[end:]
            if not chunk:
                return


class _CellReader:
    def __init__(self, worksheet, width):
        workbook = worksheet.parent
        self.strings = worksheet._shared_strings
        self.date_styles = workbook._date_formats
        self.timedelta_styles = workbook._timedelta_formats
        self.epoch = workbook.epoch
        self.width = width

    def row(self, content):
        values = [None] * self.width
        if not content:
            return values
        cells = COMMON_CELL.findall(content)
        if len(cells) == content.count(b"<c ") + content.count(b"<c>"):
            return self.common_row(cells, values)
        return self.general_row(content, values)

    def common_row(self, cells, values):
        width = self.width
        index_of = COLUMN_INDEX
        strings = self.strings
        for letters, style, kind, raw, inline in cells:
            position = index_of.get(letters)
            if position is None:
                position = column_index(letters)
            if position >= width:
                continue
            if inline:
                values[position] = _text(inline)
            elif not raw:
                continue
            elif kind == b"s":
                values[position] = strings[int(raw)]
            elif not kind or kind == b"n":
                values[position] = self.number(raw, style)
            elif kind == b"b":
                values[position] = bool(int(raw))
            elif kind == b"d":
                values[position] = from_ISO8601(raw.decode())
            else:
                values[position] = _text(raw)
        return values

    def number(self, raw, style):
        text = raw.decode()
        number = float(text) if ("." in text or "E" in text or "e" in text) else int(text)
        if style and int(style) in self.date_styles:
            try:
                return from_excel(number, self.epoch, timedelta=int(style) in self.timedelta_styles)
            except (OverflowError, ValueError):
                return "#VALUE!"
        return number

    def general_row(self, content, values):
        position = -1
        width = self.width
        for match in CELL.finditer(content):
            attributes, inner = match.groups()
            ref = CELL_REF.search(attributes)
            position = column_index(ref.group(1)) if ref else position + 1
            if position >= width or not inner:
                continue
            values[position] = self.value(attributes, inner)
        return values

    def value(self, attributes, inner):
        kind = CELL_TYPE.search(attributes)
        kind = kind.group(1) if kind else b"n"
        if kind == b"inlineStr":
            return _inline_text(inner)
        found = VALUE.search(inner)
        raw = found.group(1) if found else None
        if not raw:
            return None
        if kind == b"n":
            style = CELL_STYLE.search(attributes)
            return self.number(raw, style.group(1) if style else None)
        if kind == b"s":
            return self.strings[int(raw)]
        if kind == b"b":
            return bool(int(raw))
        if kind == b"d":
            return from_ISO8601(raw.decode())
        return _text(raw)  # str (a formula's text result) and e (an error such as #N/A)


def _text(raw):
    text = raw.decode()
    return unescape(text) if "&" in text else text


def _inline_text(inner):
    """The text of an inline string: its <t>, or the runs' <t>s (phonetic runs left out)."""
    if b"<rPh" in inner:
        inner = PHONETIC.sub(b"", inner)
    parts = TEXT.findall(inner)
    if not parts:
        return None
    return "".join(_text(part) for part in parts)
