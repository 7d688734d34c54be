"""Reading an uploaded import file (I1) into a table of typed cells: .xlsx, .csv and .vcf, pure.

Owns telling the formats apart by their content, the checks that make a file importable (a header row
with distinct names, no merged header cells, formulas with computed values, a row limit) and the
specific error of each broken file (``ImportFileError.code``). The header row is the first non-empty
row; row numbers are those a spreadsheet program shows (the header's own row excluded from ``rows()``).
"""

import codecs
import csv
import io
import re
import zipfile
import zlib
from contextlib import closing
from dataclasses import replace
from itertools import islice

from services.imports import limits as checks
from services.imports import xlsx_calamine, xlsx_rows, xlsx_scan
from services.imports.errors import ImportFileError
from services.imports.limits import Limits

MAX_ROWS = Limits.rows
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls (and .doc)
DELIMITERS = (";", ",", "\t")  # ';' first: Finnish Excel's separator wins a tie
SNIFF_LINES = 50
# a two-byte UTF-8 letter of the Latin-1 range (ä, ö, å, é …) or a three-byte one (€, –, ”)
UTF8_LETTER = re.compile(rb"[\xc3\xc2][\x80-\xbf]|\xe2[\x80-\x82][\x80-\xbf]")
TITLE_ROWS = 5  # title rows (one cell each) looked past for the column names


class Table:
    """What every reader returns: ``headers``, ``sheet_names``, ``sheet``, ``format``,
    ``row_count_estimate`` and ``rows()``.

    ``rows(start=None)`` yields ``(row_number, cells)`` for each data row that has a value, cells as
    long as ``headers`` (missing ones None, extra ones dropped); it can be called again (preview, then
    the whole import) and resumes at ``start`` (a row number) after a restart.
    """

    format = ""
    sheet = None
    sheet_names = ()
    headers = ()
    row_count_estimate = 0

    def rows(self, start=None):
        raise NotImplementedError

    def first_rows(self, limit):
        """The first ``limit`` of ``rows()`` as a list (the sample kept for the preview)."""
        with closing(self.rows()) as rows:
            return list(islice(rows, limit))


def open_table(data, filename, sheet=None, max_rows=None, limits=None):
    """The table in an uploaded file (bytes) named ``filename``; ``sheet`` picks an .xlsx sheet (the
    first one by default). Raises ImportFileError with a specific code when the file cannot be imported
    or breaks one of ``limits`` (limits.Limits; ``max_rows`` overrides its row limit).
    """
    limits = limits or Limits()
    if max_rows is not None:
        limits = replace(limits, rows=max_rows)
    name = (filename or "").lower()
    if not data or not data.strip():
        raise ImportFileError("empty", "import.file.empty")
    checks.check_file_size(len(data), limits)
    if data.startswith(XLSX_MAGIC):
        return XlsxTable(data, sheet, limits)
    if name.endswith((".xlsx", ".xlsm")):
        raise _not_spreadsheet(data, "import.file.xlsx_name_only")
    if data.startswith(OLE_MAGIC):
        raise _not_spreadsheet(data, "")
    if _looks_like_vcard(data):
        from services.imports.vcard import read_vcards

        return read_vcards(data, limits)
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _not_spreadsheet(data, "")
    return CsvTable(data, limits)


def _looks_like_vcard(data):
    head = data[:1024].lstrip(codecs.BOM_UTF8).lstrip().upper()
    return head.startswith(b"BEGIN:VCARD")


def _not_spreadsheet(data, message):
    if data.startswith(OLE_MAGIC):
        message = "import.file.old_office"
    elif data.startswith(b"\x89PNG") or data.startswith(b"\xff\xd8\xff") or data.startswith(b"GIF8"):
        message = "import.file.picture"
    elif data.startswith(b"%PDF"):
        message = "import.file.pdf"
    return ImportFileError("not_a_spreadsheet", message or "import.file.not_spreadsheet")


def header_row(numbered_rows):
    """(row number, cells) of the header among the first rows: the first non-empty row, unless it has a
    single cell (a title such as 'Jäsenluettelo 2024') and one of the next few rows has more."""
    candidates = []
    for number, cells in numbered_rows:
        filled = sum(1 for value in cells if value is not None and value != "")
        if filled:
            candidates.append((number, list(cells), filled))
        if len(candidates) > TITLE_ROWS:
            break
    if not candidates:
        raise ImportFileError("empty", "import.file.empty")
    wide = next(((number, cells) for number, cells, filled in candidates if filled > 1), None)
    return wide or candidates[0][:2]


def clean_headers(raw, column_name):
    """Header cells -> names: trimmed text, trailing empty ones dropped, an empty one in between named
    by ``column_name(index)``; ImportFileError when there is no name or a name is given twice."""
    names = ["" if value is None else " ".join(str(value).split()) for value in raw]
    while names and not names[-1]:
        names.pop()
    if not names or not any(isinstance(value, str) and value.strip() for value in raw):
        raise ImportFileError("no_header", "import.file.no_header")
    names = [name or column_name(index) for index, name in enumerate(names)]
    seen, twice = {}, {}  # dicts: O(1) look-ups over however many columns the file has
    for name in names:
        key = name.casefold()
        if key in seen:
            twice[name] = None
        seen[key] = True
    twice = list(twice)
    if twice:
        raise ImportFileError("duplicate_headers", "import.file.duplicate_headers", headers=twice)
    return names


def fit(cells, width):
    """A row's cells exactly ``width`` long: padded with None, extra cells dropped."""
    if len(cells) == width:
        return cells
    if len(cells) > width:
        return cells[:width]
    return cells + [None] * (width - len(cells))


def _too_many(count, max_rows):
    return ImportFileError(
        "too_many_rows", "import.file.too_many_rows", shown={"count": count}, rows=count, limit=max_rows
    )


# --- .xlsx --------------------------------------------------------------------------------------------


class XlsxTable(Table):
    """An .xlsx sheet (computed values; cells keep their types): checked against the limits, scanned
    (xlsx_scan.py), its header read with openpyxl (read-only, only the first rows), its rows with
    python-calamine (see ``rows``)."""

    format = "xlsx"

    def __init__(self, data, sheet, limits):
        self._data = data
        self._limits = limits
        try:
            archive = checks.open_zip(data)
        except (zipfile.BadZipFile, EOFError, ValueError):
            raise ImportFileError("truncated", "import.file.damaged") from None
        with archive:
            checks.check_package(archive, limits)
            self._guarded(checks.check_xml_parts, archive)
        workbook = self._open()
        try:
            self._guarded(self._read_workbook, workbook, sheet)
        finally:
            workbook.close()

    def _guarded(self, function, *args):
        """Call ``function``; a damaged compressed part (found only while reading it) is 'truncated'."""
        try:
            return function(*args)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise ImportFileError("truncated", "import.file.damaged_reason", reason=str(exc)) from None

    def _read_workbook(self, workbook, sheet):
        limits = self._limits
        self.sheet_names = list(workbook.sheetnames)
        if not self.sheet_names:
            raise ImportFileError("empty", "import.file.no_sheets")
        if sheet is not None and sheet not in self.sheet_names:
            raise ImportFileError(
                "wrong_sheet", "import.file.no_such_sheet", sheet=sheet, sheets=self.sheet_names
            )
        visible = [ws.title for ws in workbook.worksheets if ws.sheet_state == "visible"]
        self.sheet = sheet or (visible or self.sheet_names)[0]
        worksheet = workbook[self.sheet]
        path = worksheet._worksheet_path
        checks.check_dimension(workbook._archive, path, self.sheet)
        self._scan = xlsx_scan.scan_sheet(workbook._archive, path)
        if self._scan.cells > limits.cells:
            checks.check_cells(self._scan.cells, limits, self.sheet)
        if self._scan.last_row == 0:
            raise ImportFileError("empty", "import.file.sheet_empty", sheet=self.sheet)
        self._read_header(worksheet)
        checks.check_columns(len(self.headers), limits, sheet=self.sheet)
        count = self._scan.last_row - self.header_row
        if count > limits.rows:
            raise _too_many(count, limits.rows)
        if count == 0:
            raise ImportFileError("empty", "import.file.sheet_no_rows", sheet=self.sheet)
        self.row_count_estimate = count
        if self._scan.has_formulas:
            self._check_formulas()

    def _open(self, data_only=True):
        try:
            return xlsx_rows.load_workbook(self._data, data_only=data_only)
        except zipfile.BadZipFile:
            raise ImportFileError("truncated", "import.file.damaged") from None
        except (KeyError, OSError, EOFError, ValueError, TypeError) as exc:
            if isinstance(exc, KeyError) or "no item named" in str(exc):
                raise ImportFileError("not_a_spreadsheet", "import.file.zip_not_xlsx") from None
            raise ImportFileError("truncated", "import.file.damaged_reason", reason=str(exc)) from None
        except Exception as exc:  # openpyxl raises many kinds on a broken part of the package
            raise ImportFileError("truncated", "import.file.xlsx_unreadable", reason=str(exc)) from None

    def _read_header(self, worksheet):
        from openpyxl.utils import get_column_letter

        rows = worksheet.iter_rows(max_row=min(self._scan.last_row, TITLE_ROWS * 4), values_only=True)
        number, values = header_row(enumerate(rows, start=1))
        self.header_row = number
        self.headers = clean_headers(values, lambda index: f"Column {get_column_letter(index + 1)}")
        merged = [ref for ref in self._scan.merged if _rows_of(ref)[0] <= number <= _rows_of(ref)[1]]
        if merged:
            raise ImportFileError("merged_header_cells", "import.file.merged_header", cells=merged)

    def _check_formulas(self):
        """Formulas are read as the values Excel or LibreOffice computed and saved; one never computed
        (a file written by a program, not saved by a spreadsheet) cannot be imported."""
        missing = self._uncomputed_formulas()
        if missing:
            more = len(missing) - 5
            raise ImportFileError(
                "formulas",
                "import.file.formulas_more" if more > 0 else "import.file.formulas",
                shown={"cells": missing[:5], "more": more},
                cells=missing[:50],
            )

    def _uncomputed_formulas(self):
        workbook = self._open()
        try:
            worksheet = workbook[self.sheet]
            if xlsx_rows.supported(workbook._archive, worksheet._worksheet_path):
                return xlsx_rows.uncomputed_formulas(worksheet, self._scan.last_row)
        finally:
            workbook.close()
        formulas = [
            place
            for place, value in self._cells(data_only=False)
            if isinstance(value, str) and value[:1] == "="
        ]
        wanted = set(formulas)
        missing = [place for place, value in self._cells(data_only=True) if place in wanted and value is None]
        from openpyxl.utils import get_column_letter

        return [f"{get_column_letter(column)}{row}" for row, column in missing]

    def _cells(self, data_only):
        """((row, column), value) of every cell of the sheet, formulas as '=…' unless ``data_only``."""
        workbook = self._open(data_only=data_only)
        try:
            rows = workbook[self.sheet].iter_rows(max_row=self._scan.last_row, values_only=True)
            for row_number, values in enumerate(rows, start=1):
                for column, value in enumerate(values, start=1):
                    yield (row_number, column), value
        finally:
            workbook.close()

    def rows(self, start=None):
        """The rows read by python-calamine (xlsx_calamine.py), or streamed by xlsx_rows.py for a sheet
        of more than xlsx_calamine.MAX_CELLS cells or with error cells, or by openpyxl for a sheet whose
        elements have namespace prefixes."""
        width = len(self.headers)
        first = max(self.header_row + 1, start or 0)
        if self._scan.cells <= xlsx_calamine.MAX_CELLS and not self._scan.has_errors:
            for number, values in xlsx_calamine.iter_rows(
                self._data, self.sheet, first, self._scan.last_row, width
            ):
                if any(value is not None and value != "" for value in values):
                    yield number, values
            return
        yield from self._streamed_rows(first, width)

    def first_rows(self, limit):
        """The first ``limit`` rows streamed, not the whole sheet parsed by calamine (the same values)."""
        with closing(self._streamed_rows(self.header_row + 1, len(self.headers))) as rows:
            return list(islice(rows, limit))

    def _streamed_rows(self, first, width):
        workbook = self._open()
        try:
            worksheet = workbook[self.sheet]
            path = worksheet._worksheet_path
            if xlsx_rows.supported(workbook._archive, path):
                for number, values in xlsx_rows.iter_rows(worksheet, first, self._scan.last_row, width):
                    if any(value is not None and value != "" for value in values):
                        yield number, values
                return
            for number, values in enumerate(
                worksheet.iter_rows(
                    min_row=first, max_row=self._scan.last_row, max_col=width, values_only=True
                ),
                start=first,
            ):
                if any(value is not None and value != "" for value in values):
                    yield number, fit(list(values), width)
        finally:
            workbook.close()


def _rows_of(ref):
    """'A1:C2' -> (1, 2)."""
    numbers = [int(part) for part in re.findall(r"\d+", ref)]
    return min(numbers), max(numbers)


# --- .csv ---------------------------------------------------------------------------------------------


def decode_text(data):
    """CSV bytes -> (text, encoding): UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        return _decode(data[3:], "utf-8", "UTF-8 with BOM")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(data, "utf-16", "UTF-16")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        _refuse_mixed(data, exc.start)
    return _decode(data, "cp1252", "Windows-1252")


def _refuse_mixed(data, bad):
    """Refuse a text that is UTF-8 in one place and something else in another (two files pasted together):
    read as Windows-1252 its UTF-8 letters would become 'Ã¤'. ``bad``: the first byte that is not UTF-8."""
    utf8 = UTF8_LETTER.search(data)
    if utf8 is None:
        return
    first, second = sorted((utf8.start(), bad))
    line_utf8, line_bad = (_line_of(data, position) for position in (utf8.start(), bad))
    raise ImportFileError("mixed_encoding", "import.file.mixed_encoding", line=line_bad, utf8_line=line_utf8)


def _line_of(data, position):
    return data.count(b"\n", 0, position) + 1


def _decode(data, codec, name):
    try:
        return data.decode(codec), codec
    except UnicodeDecodeError as exc:
        line = _line_of(data, exc.start)
        raise ImportFileError(
            "encoding", "import.file.encoding", shown={"encoding": name}, line=line, position=exc.start + 1
        ) from None


def sniff_delimiter(lines):
    """The separator of CSV ``lines``: the one giving the same number (>1) of columns on most lines;
    ';' wins a tie (Finnish Excel writes it, and decimal commas make ',' look plausible)."""
    best, best_score = DELIMITERS[0], (-1, 0)
    for delimiter in DELIMITERS:
        try:
            counts = [
                len(row)
                for row in csv.reader(lines, delimiter=delimiter)
                if any(cell.strip() for cell in row)
            ]
        except csv.Error:  # the reader of the records names the broken row
            continue
        if not counts:
            continue
        common = max(set(counts), key=counts.count)
        score = (counts.count(common) if common > 1 else 0, common)
        if score[0] > best_score[0] or (
            score[0] == best_score[0] and score[0] > 0 and score[1] > best_score[1]
        ):
            best, best_score = delimiter, score
    return best


class CsvTable(Table):
    """A CSV file: cells are texts ('' read as None); the encoding and separator are detected."""

    format = "csv"

    def __init__(self, data, limits):
        self._limits = limits
        checks.check_nul(data, data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)))
        self._text, self.encoding = decode_text(data)
        if "\x00" in self._text:
            raise ImportFileError("not_a_spreadsheet", "import.file.not_text")
        checks.check_lines(self._text, limits)
        lines = self._text[: SNIFF_LINES * 1024].splitlines()[: SNIFF_LINES + 1]
        self._offset = 0
        if lines and re.fullmatch(r'"?sep=(.)"?', lines[0].strip()):  # Excel's separator hint line
            self.delimiter = lines[0].strip().strip('"')[4]
            self._offset = 1
        else:
            self.delimiter = sniff_delimiter(lines[:SNIFF_LINES])
        self.sheet_names = []
        header_number, header = header_row(
            (number, [cell.strip() for cell in cells]) for number, cells in self._records()
        )
        self.header_row = header_number
        self.headers = clean_headers(header, lambda index: f"Column {index + 1}")
        estimate = max(self._text.count("\n") - self._offset - 1 + (not self._text.endswith("\n")), 0)
        # every separator starts a cell (quoted ones too: an overestimate), and every line one more
        checks.check_cells(self._text.count(self.delimiter) + estimate + 1, limits)
        if estimate > limits.rows:
            count = sum(1 for _ in self.rows())
            if count > limits.rows:
                raise _too_many(count, limits.rows)
        if not any(True for _ in self.rows()):
            raise ImportFileError("empty", "import.file.no_rows")
        self.row_count_estimate = estimate

    def _records(self):
        stream = io.StringIO(self._text, newline="")
        for _ in range(self._offset):
            stream.readline()
        reader = csv.reader(stream, delimiter=self.delimiter)
        columns = self._limits.columns
        try:
            for number, cells in enumerate(reader, start=1 + self._offset):
                if len(cells) > columns:
                    checks.check_columns(len(cells), self._limits, line=reader.line_num)
                if any(cell.strip() for cell in cells):
                    yield number, cells
        except csv.Error as exc:
            raise ImportFileError(
                "truncated", "import.file.csv_broken", shown={"reason": str(exc)}, row=reader.line_num
            ) from None

    def rows(self, start=None):
        width = len(self.headers)
        for number, cells in self._records():
            if number <= self.header_row or (start and number < start):
                continue
            yield number, fit([cell.strip() or None for cell in cells], width)
