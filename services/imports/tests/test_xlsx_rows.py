"""I1: the fast .xlsx cell readers (xlsx_rows.py, and python-calamine through xlsx_calamine.py, issue 11
item 10) give exactly openpyxl's values, on files of openpyxl (normal and write-only), LibreOffice
(shared strings, its own styles, computed formulas) and odd cell forms."""

import io
import os
import re
import shutil
import subprocess
import zipfile
from datetime import date, datetime, time

import openpyxl
import pytest

from services.imports import xlsx_calamine, xlsx_rows
from services.imports.reading import ImportFileError, open_table
from services.imports.tests import corpus

MIXED = [
    ["Teksti", "Kokonaisluku", "Desimaali", "Päivä", "Aika", "Totuus", "Tyhjä", "Merkit", "Kaava"],
    [
        "Äijä & <Öhman>",
        42,
        3.25,
        datetime(1980, 2, 1),
        datetime(2024, 5, 6, 7, 8, 9),
        True,
        None,
        " väli ",
        "=B2*2",
    ],
    ["Åsa", -7, 1e-7, date(1999, 12, 31), time(12, 30), False, None, "'lainaus'", "=LEN(A3)"],
    [None, None, None, None, None, None, None, None, None],
    ["Viimeinen", 10**12, 0.1, datetime(1900, 3, 1), None, None, None, "rivi\nkaksi", None],
]


def openpyxl_values(data, width):
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = workbook.active.iter_rows(min_row=2, max_col=width, values_only=True)
    result = [[*row, *[None] * (width - len(row))] for row in rows]
    workbook.close()
    return [row for row in result if any(value is not None for value in row)]


def fast_values(data, width):
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    worksheet = workbook.active
    assert xlsx_rows.supported(workbook._archive, worksheet._worksheet_path)
    rows = [values for _, values in xlsx_rows.iter_rows(worksheet, 2, 10**6, width)]
    workbook.close()
    return [row for row in rows if any(value is not None for value in row)]


def calamine_values(data, width):
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    sheet = workbook.active.title
    workbook.close()
    rows = [values for _, values in xlsx_calamine.iter_rows(data, sheet, 2, 10**6, width)]
    return [row for row in rows if any(value is not None for value in row)]


def assert_same(data, width):
    expected = openpyxl_values(data, width)
    assert expected, "the file has rows"
    assert fast_values(data, width) == expected
    assert calamine_values(data, width) == expected
    return expected


def mixed_xlsx(write_only=False):
    workbook = openpyxl.Workbook(write_only=write_only)
    sheet = workbook.create_sheet("Data") if write_only else workbook.active
    for row in MIXED:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.parametrize("write_only", [False, True])
def test_i1_fast_reader_equals_openpyxl_on_openpyxl_files(write_only):
    rows = assert_same(mixed_xlsx(write_only), 9)
    assert rows[0][0] == "Äijä & <Öhman>" and rows[0][3] == datetime(1980, 2, 1)


def test_i1_fast_reader_equals_openpyxl_on_libreoffice_files(tmp_path):
    binary = shutil.which("libreoffice") or shutil.which("soffice")
    if not binary:
        if os.path.exists("/etc/debian_version") and os.geteuid() == 0:
            pytest.fail("LibreOffice is missing: scripts/setup.sh --browser installs libreoffice-calc-nogui")
        pytest.skip("LibreOffice (libreoffice-calc-nogui) is not installed and this is not Debian as root")
    source = tmp_path / "source.xlsx"
    source.write_bytes(mixed_xlsx())
    out_dir = tmp_path / "out"
    subprocess.run(
        [binary, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--convert-to", "xlsx",
         "--outdir", str(out_dir), str(source)],
        check=True, capture_output=True, timeout=120, env={**os.environ, "HOME": str(tmp_path)},
    )  # fmt: skip
    data = (out_dir / "source.xlsx").read_bytes()
    assert "xl/sharedStrings.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()  # not inline strings
    rows = assert_same(data, 9)
    assert rows[0][0] == "Äijä & <Öhman>"
    # LibreOffice computed the formulas openpyxl left uncomputed: the import takes the values.
    assert [row[8] for row in rows[:2]] == [84, 3]
    table = open_table(data, "libreoffice.xlsx")
    assert [cells[8] for _, cells in table.rows()][:2] == [84, 3]


def test_i1_fast_reader_general_cell_forms():
    """Attributes in another order, cells without r="", rich text runs: the general path."""
    data = corpus.xlsx_bytes(corpus.ROWS)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b'<c r="A2" t="inlineStr">', b'<c t="inlineStr" r="A2">')
                content = content.replace(
                    b'<c r="B3" t="inlineStr"><is><t>Str\xc3\xb6m</t></is></c>',
                    b'<c t="inlineStr"><is><r><t>Str</t></r><r><rPr/><t>\xc3\xb6m</t></r>'
                    b'<rPh sb="0" eb="1"><t>x</t></rPh></is></c>',
                )
            target.writestr(item, content)
    rows = assert_same(out.getvalue(), 7)
    assert rows[1][1] == "Ström" and rows[0][0] == "Äijä"


def prefixed(data):
    """The workbook with its sheet's elements written with a namespace prefix (<x:row>, <x:c>): valid
    XML some generators write; the fast reader leaves it to openpyxl."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb"<(/?)([a-zA-Z])", rb"<\1x:\2", content)
                content = content.replace(b"<x:worksheet xmlns=", b"<x:worksheet xmlns:x=")
            target.writestr(item, content)
    return out.getvalue()


def test_i1_prefixed_sheets_are_read_by_openpyxl():
    data = prefixed(corpus.xlsx_bytes(corpus.ROWS))
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    assert not xlsx_rows.supported(workbook._archive, workbook.active._worksheet_path)
    table = open_table(data, "x.xlsx")
    assert table.headers == corpus.HEADERS
    assert list(table.rows()) == [(2, corpus.ROWS[0]), (3, corpus.ROWS[1])]
    assert calamine_values(data, 7) == corpus.ROWS
    with pytest.raises(ImportFileError) as caught:
        open_table(prefixed(corpus.formulas_xlsx()), "x.xlsx")
    assert caught.value.code == "formulas" and caught.value.details["cells"] == ["H2", "H3"]


def test_i1_issue11_calamine_rows_keep_spreadsheet_numbers_and_columns_of_a_sheet_starting_at_b3():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["B3"], sheet["C3"], sheet["D3"] = "Etunimi", "Luku", "Päivä"
    sheet["B4"], sheet["C4"], sheet["D4"] = "Maija", 7, datetime(1980, 2, 1)
    sheet["C6"] = 2.5
    out = io.BytesIO()
    workbook.save(out)
    table = open_table(out.getvalue(), "x.xlsx")
    assert table.headers == ["Column A", "Etunimi", "Luku", "Päivä"]
    assert list(table.rows()) == [(4, [None, "Maija", 7, datetime(1980, 2, 1)]), (6, [None, None, 2.5, None])]


def test_i1_issue11_the_streaming_reader_takes_sheets_too_large_for_calamine_and_error_cells(monkeypatch):
    data = corpus.xlsx_bytes([row[:8] for row in MIXED[1:]], headers=MIXED[0][:8])
    by_calamine = list(open_table(data, "x.xlsx").rows())
    assert by_calamine[0][1][:6] == MIXED[1][:6]
    monkeypatch.setattr(xlsx_calamine, "MAX_CELLS", 10)
    monkeypatch.setattr(xlsx_calamine, "iter_rows", None)  # not used any more
    assert list(open_table(data, "x.xlsx").rows()) == by_calamine
    monkeypatch.undo()
    workbook = openpyxl.Workbook()
    workbook.active.append(["Nimi", "Arvo"])
    workbook.active.append(["Maija", "#N/A"])
    out = io.BytesIO()
    workbook.save(out)
    assert list(open_table(out.getvalue(), "x.xlsx").rows()) == [(2, ["Maija", "#N/A"])]


def test_i1_the_sample_of_an_xlsx_is_streamed_not_parsed_whole_by_calamine(monkeypatch):
    from services.imports import sample

    data = corpus.xlsx_bytes([[f"Nimi {n}", n] for n in range(100)], headers=["Nimi", "Luku"])
    table = open_table(data, "x.xlsx")
    whole = list(table.rows())[:20]

    def refuse(*args):
        raise AssertionError("calamine parsed the whole sheet for the sample")

    monkeypatch.setattr(xlsx_calamine, "iter_rows", refuse)
    assert table.first_rows(20) == whole
    assert [row[0] for row in sample.take(table, 20)] == list(range(2, 22))
