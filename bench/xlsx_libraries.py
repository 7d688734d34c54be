#!/usr/bin/env python
"""Issue 11 item 10: the field-made .xlsx libraries against Piiri's own code, no services needed.

Reading (imports): a generated 100,000-row × 20-column workbook (dates, numbers, booleans, texts)
through reading.open_table + rows(), its rows read by python-calamine (xlsx_calamine.py) and by the
streaming regex reader (xlsx_rows.py, still used for sheets over xlsx_calamine.MAX_CELLS cells).
Writing (exports): 100,000 rows × 11 columns by services/exports/xlsx_writer.py and by XlsxWriter in
constant_memory mode (strings written as strings: no formulas).

    .venv/bin/python bench/xlsx_libraries.py             # 100,000 rows
    .venv/bin/python bench/xlsx_libraries.py --rows 20000

Prints seconds and rows/s, the best of --repeat runs each.
"""

import argparse
import io
import sys
import time
import warnings
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
warnings.filterwarnings("ignore", category=DeprecationWarning)

import xlsxwriter  # noqa: E402

from services.exports.xlsx_writer import write_xlsx  # noqa: E402
from services.imports import xlsx_calamine  # noqa: E402
from services.imports.reading import open_table  # noqa: E402

EXPORT_HEADER = [
    "Etunimi", "Sukunimi", "Sähköposti", "Puhelin", "Syntymäaika", "Jäsen", "Maksu", "Kaupunki", "Luotu",
    "Tunnisteet", "Muistiinpano",
]  # fmt: skip


def import_workbook(rows):
    """A workbook like a member register: 20 columns of texts, dates, numbers and booleans."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = workbook.add_worksheet("Jäsenet")
    day = workbook.add_format({"num_format": "d.m.yyyy"})
    headers = ["Etunimi", "Sukunimi", "Sähköposti", "Puhelin", "Syntymäaika", "Jäsenmaksu"]
    sheet.write_row(0, 0, headers + [f"Sarake {n}" for n in range(6, 20)])
    for row in range(1, rows + 1):
        sheet.write_string(row, 0, f"Etu{row}")
        sheet.write_string(row, 1, f"Suku{row % 977}")
        sheet.write_string(row, 2, f"h{row}@example.fi")
        sheet.write_string(row, 3, f"040 {row:07d}")
        sheet.write_datetime(row, 4, datetime(1950 + row % 60, 1 + row % 12, 1 + row % 28), day)
        sheet.write_number(row, 5, row % 100 + 0.5)
        for column in range(6, 20):
            if column % 3 == 0:
                sheet.write_number(row, column, row * column)
            elif column % 3 == 1:
                sheet.write_boolean(row, column, bool(row % 2))
            else:
                sheet.write_string(row, column, f"teksti {column} {row % 500}")
    workbook.close()
    return out.getvalue()


def read(data, max_cells):
    xlsx_calamine.MAX_CELLS = max_cells
    table = open_table(data, "jasenet.xlsx")
    return sum(1 for _ in table.rows())


def export_rows(count):
    for n in range(count):
        yield [
            f"Etu{n}", f"Suku{n % 977}", f"h{n}@example.fi", f"040 {n:07d}", date(1950 + n % 60, 1, 1),
            bool(n % 2), n * 1.5, "Helsinki" if n % 3 else None, datetime(2024, 1, 1, 12, n % 60), "a, b",
            "=HYPERLINK(1)" if n == 5 else "muistiinpano",
        ]  # fmt: skip


def write_with_xlsxwriter(out, sheet_name, header, rows):
    options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    workbook = xlsxwriter.Workbook(out, {**options, "strings_to_urls": False})
    sheet = workbook.add_worksheet(sheet_name)
    bold, day = workbook.add_format({"bold": True}), workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.freeze_panes(1, 0)
    for column, text in enumerate(header):
        sheet.write_string(0, column, text, bold)
    for row, values in enumerate(rows, start=1):
        for column, value in enumerate(values):
            kind = type(value)
            if value is None:
                continue
            if kind is bool:
                sheet.write_boolean(row, column, value)
            elif kind is int or kind is float:
                sheet.write_number(row, column, value)
            elif kind is date or kind is datetime:
                sheet.write_datetime(row, column, value, day)
            else:
                sheet.write_string(row, column, str(value))
    workbook.close()


def best(repeat, function):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        count = function()
        times.append(time.perf_counter() - started)
    return count, min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    data = import_workbook(args.rows)
    print(f"import workbook: {args.rows:,} rows x 20 columns, {len(data) / 1e6:.1f} MB")
    for label, cells in (("python-calamine", 10**12), ("xlsx_rows (streaming)", 0)):
        count, seconds = best(args.repeat, lambda cells=cells: read(data, cells))
        print(f"  read with {label:24} {seconds:6.2f} s  {count / seconds:9,.0f} rows/s")
    for label, writer in (
        ("xlsx_writer.py", write_xlsx),
        ("XlsxWriter constant_memory", write_with_xlsxwriter),
    ):

        def run(writer=writer):
            writer(io.BytesIO(), "Piiri", EXPORT_HEADER, export_rows(args.rows))
            return args.rows

        count, seconds = best(args.repeat, run)
        print(f"  write with {label:27} {seconds:6.2f} s  {count / seconds:9,.0f} rows/s")


if __name__ == "__main__":
    main()
