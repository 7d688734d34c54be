"""The limits an uploaded import file must keep, checked before the expensive work (I1, issue 12 item 1).

A 205 KB .xlsx that unpacks to 200 MB, an XML entity bomb, a CSV line of a million columns or a vCard
folded into a million pieces must be refused from what is cheap to look at: the zip's central directory
(entry count, declared sizes, compression ratio, overlapping or nested entries), the XML prologs, the
sheet's declared dimension, the length of text lines. Each refusal is an ImportFileError naming the
limit; the values come from the configuration (IMPORT_MAX_* in deploy/local.yml, PIIRI_IMPORT_MAX_* in
the environment), the defaults here.
"""

import re
import zipfile
from dataclasses import dataclass, fields

from services.imports.errors import ImportFileError

MB = 1024 * 1024
XML_HEAD = 64 * 1024  # the prolog (where a DOCTYPE would be) must end within this many bytes
NESTED = (".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".tar", ".jar", ".cab")
DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]*)(\d*)(?::([A-Z]+)(\d+))?"')
SHEET_ROWS, SHEET_COLUMNS = 1_048_576, 16_384  # Excel's and LibreOffice's largest sheet
ROOT_ELEMENT = re.compile(rb"<[A-Za-z_]")


@dataclass(frozen=True)
class Limits:
    """What one import file may be; ``from_config`` reads IMPORT_MAX_<FIELD NAME> for each."""

    file_bytes: int = 200 * MB  # the upload
    rows: int = 1_000_000  # data rows of one import
    columns: int = 1_000  # columns of a sheet or a CSV line
    cells: int = 50_000_000  # cells of a sheet or CSV file (50 columns at the row limit)
    zip_entries: int = 1_000  # parts of an .xlsx package
    # an .xlsx unpacked: all its parts, and one part. A sheet written with inline strings (openpyxl's
    # write-only mode, many exporters) unpacks to ~1.2 kB a row of 20 columns: 1.2 GB at the row limit,
    # 3 GB at the cell limit (50 columns). The sheet is scanned and read streaming (constant memory), and
    # a part packed more than zip_ratio times is refused whatever its size, so these bound time, not memory
    unzipped_bytes: int = 3_200 * MB
    entry_bytes: int = 3_000 * MB
    zip_ratio: int = 200  # unpacked / packed size of one part (real sheets: 5–40, zip bombs: 1,000+)
    line_chars: int = 65_536  # one line of a CSV or one (unfolded) vCard line
    vcard_properties: int = 500  # lines of one vCard

    @classmethod
    def from_config(cls, config):
        """The limits of a Nameko config (IMPORT_MAX_ROWS, IMPORT_MAX_FILE_BYTES, …); a missing or
        empty value keeps the default."""
        values = {}
        for item in fields(cls):
            raw = (config or {}).get(f"IMPORT_MAX_{item.name.upper()}")
            if raw not in (None, ""):
                values[item.name] = int(raw)
        return cls(**values)


def refused(code, message, shown=None, **details):
    """An ImportFileError for a broken limit, with the limit's name and value in ``details``."""
    return ImportFileError(code, message, shown, **details)


def check_file_size(size, limits):
    if size > limits.file_bytes:
        raise refused(
            "file_too_large",
            "import.file.too_large",
            {"limit": _mb(limits.file_bytes)},
            size=size,
            limit=limits.file_bytes,
        )


# --- .xlsx packages ------------------------------------------------------------------------------------


def check_package(archive, limits):
    """Refuse a zip whose central directory shows a bomb: too many entries, a part or all parts
    unpacking too large, a part compressed more than ``zip_ratio`` times, entries overlapping each other
    (a bomb that reuses one compressed stream) or an archive inside the archive. Reads no entry."""
    entries = archive.infolist()
    if len(entries) > limits.zip_entries:
        raise refused(
            "zip_entries",
            "import.file.zip_entries",
            count=len(entries),
            limit=limits.zip_entries,
        )
    for entry in entries:
        if entry.file_size > limits.entry_bytes:
            raise _unpacked_too_large(entry.filename, entry.file_size, limits.entry_bytes)
        name = entry.filename.lower()
        if name.endswith(NESTED) or name.startswith("/") or ".." in name.split("/"):
            raise refused(
                "zip_odd_entry",
                "import.file.zip_odd_entry",
                part=entry.filename,
            )
    total = sum(entry.file_size for entry in entries)
    if total > limits.unzipped_bytes:
        raise _unpacked_too_large("", total, limits.unzipped_bytes)
    for entry in entries:
        packed = max(entry.compress_size, 1)
        if entry.file_size > 1 * MB and entry.file_size / packed > limits.zip_ratio:
            ratio = entry.file_size // packed
            raise refused(
                "zip_ratio",
                "import.file.zip_ratio",
                part=entry.filename,
                ratio=ratio,
                limit=limits.zip_ratio,
            )
    _check_overlaps(entries)


def _unpacked_too_large(part, size, limit):
    message = "import.file.part_too_large" if part else "import.file.unzipped_too_large"
    shown = {"size": _mb(size), "limit": _mb(limit)}
    return refused("unzipped_too_large", message, shown, part=part, size=size, limit=limit)


def _check_overlaps(entries):
    """Each entry's data must begin after the previous one's ends (a local header is at least 30 bytes)."""
    end = 0
    for entry in sorted(entries, key=lambda item: item.header_offset):
        if entry.header_offset < end:
            raise refused(
                "zip_overlap",
                "import.file.zip_overlap",
                part=entry.filename,
            )
        end = entry.header_offset + 30 + len(entry.filename.encode()) + entry.compress_size


def check_xml_parts(archive):
    """Refuse XML parts that declare a document type or entities (billion laughs, external entities):
    no workbook needs them. Every part is looked at, whatever its name (a relationship may point at a
    sheet named .bin); one is XML when it is named so or begins with '<'. Reads at most XML_HEAD bytes
    of each part."""
    for entry in archive.infolist():
        with archive.open(entry) as stream:
            head = stream.read(XML_HEAD)
        text = _xml_text(head)
        named = entry.filename.lower().endswith((".xml", ".rels", ".vml"))
        if not named and not text.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            continue
        root = ROOT_ELEMENT.search(text)
        prolog = text[: root.start()] if root else text
        if b"<!DOCTYPE" in prolog.upper() or b"<!ENTITY" in text[:XML_HEAD].upper():
            raise refused(
                "xml_entities",
                "import.file.xml_entities",
                part=entry.filename,
            )
        if root is None and len(head) >= XML_HEAD:
            raise refused(
                "xml_entities",
                "import.file.xml_no_element",
                {"size": XML_HEAD // 1024},
                part=entry.filename,
            )


def _xml_text(head):
    """The bytes as one-byte text: UTF-16 parts are decoded so a hidden DOCTYPE is seen."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(head) > 1 and head[1:2] == b"\x00"):
        try:
            return head.decode("utf-16", "ignore").encode("latin-1", "replace")
        except UnicodeError:
            return head
    return head


def check_dimension(archive, path, sheet):
    """Refuse a sheet whose declared used range (<dimension ref="A1:T1048576"/>) goes past what a
    spreadsheet can hold (1,048,576 rows, 16,384 columns): a hand-made file. A range inside those bounds
    is not refused by itself (rows formatted down to the last one make it large while holding nothing):
    the rows and cells that hold something are counted by the scan of the sheet."""
    with archive.open(path) as stream:
        head = stream.read(XML_HEAD)
    found = DIMENSION.search(head)
    if not found:
        return
    first_col, first_row, last_col, last_row = found.groups()
    rows = int(last_row or first_row or 0)
    columns = _column_number(last_col or first_col or b"A")
    if rows > SHEET_ROWS or columns > SHEET_COLUMNS:
        raise refused(
            "bad_dimension",
            "import.file.bad_dimension",
            {"max_rows": SHEET_ROWS, "max_columns": SHEET_COLUMNS},
            sheet=sheet,
            rows=rows,
            columns=columns,
        )


def check_columns(columns, limits, sheet=None, line=None):
    if columns <= limits.columns:
        return
    if line is not None:
        raise refused(
            "too_many_columns",
            "import.file.line_columns",
            line=line,
            columns=columns,
            limit=limits.columns,
        )
    raise refused(
        "too_many_columns",
        "import.file.sheet_columns",
        sheet=sheet,
        columns=columns,
        limit=limits.columns,
    )


def check_cells(cells, limits, sheet=None):
    """Refuse more than ``cells`` cells: of the sheet named ``sheet``, or of a CSV file (no sheet)."""
    if cells > limits.cells and sheet is None:
        raise refused(
            "too_many_cells",
            "import.file.cells",
            cells=cells,
            limit=limits.cells,
        )
    if cells > limits.cells:
        raise refused(
            "too_many_cells",
            "import.file.sheet_cells",
            sheet=sheet,
            cells=cells,
            limit=limits.cells,
        )


def _column_number(letters):
    number = 0
    for char in letters:
        number = number * 26 + char - 64
    return number


# --- text files -----------------------------------------------------------------------------------------


def check_lines(text, limits):
    """Refuse the first line longer than ``line_chars`` characters, naming its number. Lines end at
    '\n'; a file whose lines end at '\r' alone (old Mac files) is measured at those."""
    limit = limits.line_chars
    if len(text) <= limit:
        return
    start, number = 0, 1
    find = text.find
    while True:
        end = find("\n", start)
        stop = len(text) if end < 0 else end
        if stop - start > limit:
            _refuse_long_line(text[start:stop], number, limit)
            number += text.count("\r", start, stop)
        if end < 0:
            return
        start, number = end + 1, number + 1


def _refuse_long_line(line, number, limit):
    """Refuse ``line`` (starting on line ``number``) unless it is shorter lines ended by '\r' alone."""
    for offset, part in enumerate(line.split("\r")):
        if len(part) > limit:
            raise refused(
                "line_too_long",
                "import.file.csv_line_too_long",
                line=number + offset,
                chars=len(part),
                limit=limit,
            )


def check_nul(data, encoding_has_nul=False):
    """Refuse NUL bytes in a one-byte or UTF-8 text file, naming the line of the first one."""
    if encoding_has_nul:
        return
    position = data.find(b"\x00")
    if position >= 0:
        line = data.count(b"\n", 0, position) + 1
        raise refused(
            "nul_bytes",
            "import.file.nul_bytes",
            line=line,
        )


def _mb(size):
    return max(1, round(size / MB))


def open_zip(data):
    """A zipfile.ZipFile over ``data``; zipfile.BadZipFile for a damaged one."""
    import io

    return zipfile.ZipFile(io.BytesIO(data))
