"""Reading an .xlsx sheet's rows with python-calamine (I1, issue 11 item 10): the values openpyxl gives.

calamine parses the sheet in Rust: bench/xlsx_libraries.py, 100,000 rows × 20 columns, the whole read
(the limits, the scan, the header, every row) took 3.1 s (32,000 rows/s) against 6.7 s (15,000 rows/s)
with the regex reader of xlsx_rows.py, measured together on this 2-core machine under load (unloaded,
the regex reader alone took 2.7 s). But calamine holds the whole sheet in memory while it is read
(~90 bytes a cell: 175 MB for those 2 million cells, where the streaming reader needs 43 MB), so
reading.py uses it for sheets of up to MAX_CELLS cells and streams larger ones with xlsx_rows.py; it
also leaves sheets holding error cells (#N/A) to xlsx_rows.py, as calamine reads those as empty.

The values are made the same as openpyxl's (test_xlsx_rows.py compares them on files of openpyxl,
LibreOffice and odd cell forms): whole numbers are ints, a date is a datetime at midnight, an empty
cell is None; times, durations, booleans and texts are as calamine gives them.
"""

import io
from datetime import date, datetime

from eventlet import tpool
from python_calamine import CalamineWorkbook

MAX_CELLS = 4_000_000  # ~350 MB while a sheet is read


def iter_rows(data, sheet, min_row, max_row, width):
    """(row_number, [value] * width) for every row from ``min_row`` to ``max_row`` (spreadsheet numbers)
    of the sheet named ``sheet`` in the workbook ``data`` (bytes). Parsing the sheet, the long part, runs
    in a native thread (eventlet.tpool) so the calling process's other greenlets keep running."""
    loaded = tpool.execute(_load, data, sheet)
    if loaded is None:
        return
    first_column, rows = loaded
    pad = [None] * first_column
    for index, raw in enumerate(rows):
        number = index + 1
        if number < min_row:
            continue
        if number > max_row:
            return
        values = (
            pad
            + [
                value if value.__class__ is str and value else _value(value)  # most cells are texts
                for value in raw[: max(width - first_column, 0)]
            ]
        )
        if len(values) < width:
            values.extend([None] * (width - len(values)))
        yield number, values


def _load(data, sheet):
    """(the first column's index, the iterator of rows from row 1) of the sheet, or None when empty."""
    worksheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(sheet)
    start = worksheet.start
    if start is None:
        return None
    return start[1], worksheet.iter_rows()


def _value(value):
    if value == "":
        return None
    kind = type(value)
    if kind is float:
        return int(value) if value.is_integer() else value
    if kind is date:
        return datetime(value.year, value.month, value.day)
    return value
