"""The Excel export (I2): an .xlsx of the chosen columns, typed cells (dates as dates, numbers as numbers,
booleans), a bold header row frozen in place. Streamed by services/exports/xlsx_writer.py, so memory
stays flat; openpyxl reads the files back in the tests.
"""

from services.exports.columns import label, typed_value
from services.exports.formats import export_format
from services.exports.xlsx_writer import write_xlsx


@export_format("xlsx")
def write(rows, options, out, language):
    columns = options["columns"]
    header = [label(column, language) for column in columns]
    values = ([typed_value(row, column) for column in columns] for row in rows)
    write_xlsx(out, options.get("sheet_title") or "Piiri", header, values)
