"""The CSV export (I2): UTF-8 with a BOM and ';' for Finnish Excel (',' on request), formula-safe cells.

A cell starting with = + - @ (or a tab / carriage return) gets a leading apostrophe so a spreadsheet does
not run it as a formula (CSV injection); phone numbers in E.164 (+358…) are kept readable the same way.
"""

import csv
import io

from piiri.spreadsheet import safe_cell
from services.exports.columns import label, text_value
from services.exports.formats import export_format


def write_csv(out, header, records, separator):
    """Write UTF-8-with-BOM CSV of a header and an iterable of records (lists of text) to a binary file."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(text, delimiter=separator, lineterminator="\r\n")
        writer.writerow([safe_cell(cell) for cell in header])
        for record in records:
            writer.writerow([safe_cell(cell) for cell in record])
        text.flush()
    finally:
        text.detach()


@export_format("csv")
def write(rows, options, out, language):
    columns = options["columns"]
    header = [label(column, language) for column in columns]
    records = ([text_value(row, column, language) for column in columns] for row in rows)
    write_csv(out, header, records, options["separator"])
