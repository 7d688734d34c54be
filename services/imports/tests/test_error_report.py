"""I1: the downloadable .xlsx error report: original columns, errors beside the rows, bad cells marked."""

import io
from datetime import datetime

import openpyxl

from piiri.errors import coded
from services.imports import error_report, mapping
from services.imports.reading import open_table

HEADERS = ["Etunimi", "Sukunimi", "Sähköposti", "Syntymäaika", "Kaava"]


def report(rows, language="fi"):
    out = io.BytesIO()
    count = error_report.write_error_report(HEADERS, rows, out, language=language)
    return count, out.getvalue()


def test_i1_error_report_has_the_rows_their_errors_and_marked_cells():
    rows = [
        (3, ["Matti", None, "matti@", datetime(1990, 1, 2), "=SUM(A1)"],
         {"Sähköposti": coded("import.cell.email_invalid", value="matti@")}),
        (7, [None, None, "a@example.fi", "31.2.1990", None],
         {"Syntymäaika": coded("import.cell.no_such_date", value="31.2.1990"), "": "import.row.person_name"}),
    ]  # fmt: skip
    count, data = report(rows)
    assert count == 2
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == [*HEADERS, "Virheet / Errors", "Rivi / Row"]
    assert values[1][:5] == ["Matti", None, "matti@", datetime(1990, 1, 2), "=SUM(A1)"]
    assert sheet["E2"].data_type == "s"  # text that looks like a formula stays text
    assert values[1][5] == "Sähköposti: Virheellinen sähköpostiosoite: matti@."
    assert values[1][6] == 3
    assert (
        values[2][5] == "Henkilöllä on oltava etu- tai sukunimi.\nSyntymäaika: Päivämäärää ei ole: 31.2.1990."
    )
    assert values[2][6] == 7
    assert sheet["C2"].comment.text.startswith("Virheellinen sähköpostiosoite")
    assert sheet["C2"].fill.start_color.rgb.endswith(error_report.BAD_FILL)
    assert sheet["D3"].comment.text == "Päivämäärää ei ole: 31.2.1990."
    assert sheet["A2"].comment is None and sheet["A2"].fill.fill_type is None
    assert sheet["D2"].number_format == "d.m.yyyy h:mm"


def test_i1_error_report_in_english_and_imported_again():
    rows = [
        (
            2,
            ["Maija", "Virtanen", "maija@", None, None],
            {"Sähköposti": coded("import.cell.email_invalid", value="maija@")},
        )
    ]
    _, data = report(rows, language="en")
    table = open_table(data, "virheet.xlsx")
    assert table.headers == [*HEADERS, "Virheet / Errors", "Rivi / Row"]
    ((number, cells),) = list(table.rows())
    assert number == 2 and cells[5] == "Sähköposti: Not a valid e-mail address: maija@."
    catalogue = mapping.build_catalogue()
    proposal = mapping.propose_mapping(table.headers, catalogue)
    assert proposal["Virheet / Errors"] is None and proposal["Rivi / Row"] is None
    assert mapping.header_signature(table.headers) == mapping.header_signature(HEADERS)


def test_i1_error_report_streams_many_rows():
    error = {"Sähköposti": coded("import.cell.email_invalid", value="bad")}
    rows = ((number, [f"N{number}", "X", "bad", None, None], error) for number in range(2, 5002))
    count, data = report(rows)
    assert count == 5000
    table = open_table(data, "virheet.xlsx")
    assert table.row_count_estimate == 5000
