"""The downloadable error report of an import (I1): an .xlsx of the rows that have errors, pure.

The original columns keep their names, order and typed values, so the fixed file can be imported
again (its two extra columns are ignored by the mapping); each bad cell is highlighted and carries a
comment saying what is wrong, and the row's messages are beside it in "Virheet / Errors". Written in
openpyxl's write-only mode: rows stream out, memory stays flat however many rows there are.
"""

from datetime import date, datetime

from services.imports.contract.messages import text
from services.imports.mapping import REPORT_COLUMNS
from services.imports.validation import ROW_KEY

ERRORS_COLUMN, ROW_COLUMN = REPORT_COLUMNS
BAD_FILL = "FFC7CE"  # Excel's own "bad" red
HEADER_FILL = "DDEBF7"
MAX_CELL_TEXT = 32767
AUTHOR = "Piiri"


def write_error_report(headers, rows_with_errors, out, language="fi"):
    """Write the report to ``out`` (a path or a binary file object); returns how many rows it holds.

    ``rows_with_errors``: iterable of ``(row_number, cells, errors)``: cells in ``headers`` order,
    errors {header or ROW_KEY: a coded message} (validation.RowValidator). Messages are written in
    ``language`` (fi, sv or en); the Errors column gives each as 'Header: message'.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet({"fi": "Virheet", "sv": "Fel"}.get(language, "Errors"))
    bad = PatternFill("solid", start_color=BAD_FILL, end_color=BAD_FILL)
    heading = PatternFill("solid", start_color=HEADER_FILL, end_color=HEADER_FILL)
    bold = Font(bold=True)
    sheet.freeze_panes = "A2"
    widths = [max(12, min(40, len(str(header)) + 2)) for header in headers] + [60, 10]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width

    title_row = []
    for name in (*headers, ERRORS_COLUMN, ROW_COLUMN):
        cell = WriteOnlyCell(sheet, value=name)
        cell.font, cell.fill = bold, heading
        title_row.append(cell)
    sheet.append(title_row)

    count = 0
    for row_number, cells, errors in rows_with_errors:
        count += 1
        row = []
        for index, header in enumerate(headers):
            value = cells[index] if index < len(cells) else None
            cell = WriteOnlyCell(sheet, value=_cell_value(value))
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula stays text
            _date_format(cell, value)
            message = errors.get(header)
            if message:
                cell.fill = bad
                cell.comment = Comment(text(message, language), AUTHOR, width=300, height=90)
            row.append(cell)
        row.append(_clip(_summary(headers, errors, language)))
        row.append(row_number)
        sheet.append(row)
    workbook.save(out)
    return count


def _summary(headers, errors, language):
    """'Header: message' for each error, the row's own first, then in column order, one a line."""
    lines = []
    if errors.get(ROW_KEY):
        lines.append(text(errors[ROW_KEY], language))
    for header in headers:
        if errors.get(header):
            lines.append(f"{header}: {text(errors[header], language)}")
    return "\n".join(lines)


def _cell_value(value):
    """Values as the file had them (overlong text clipped to what a cell holds)."""
    return _clip(value) if isinstance(value, str) else value


def _date_format(cell, value):
    if isinstance(value, datetime):
        cell.number_format = "d.m.yyyy h:mm"
    elif isinstance(value, date):
        cell.number_format = "d.m.yyyy"


def _clip(text):
    return text if len(text) <= MAX_CELL_TEXT else text[: MAX_CELL_TEXT - 1] + "…"
