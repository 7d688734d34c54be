"""I1: reading real import files (openpyxl and LibreOffice .xlsx, CSV in each encoding and separator)
and the broken corpus, each with its own specific error."""

import os
import time
from datetime import datetime

import pytest

from piiri.errors import is_code
from services.imports import reading
from services.imports.contract.messages import text
from services.imports.reading import ImportFileError, open_table
from services.imports.tests import corpus


def rows_of(table):
    return list(table.rows())


def assert_refused(data, filename, code, *words, sheet=None):
    with pytest.raises(ImportFileError) as caught:
        table = open_table(data, filename, sheet)
        rows_of(table)
    assert caught.value.code == code, caught.value.message
    english = text(caught.value.entry, "en")
    for word in words:
        assert word in english
    return caught.value


# --- well-formed files ---------------------------------------------------------------------------------


def test_i1_xlsx_written_by_openpyxl_keeps_types_and_spreadsheet_row_numbers():
    rows = [[*corpus.ROWS[0][:5], datetime(1980, 2, 1), "Varsinainen"], corpus.ROWS[1]]
    table = open_table(corpus.xlsx_bytes(rows), "jäsenet.xlsx")
    assert table.format == "xlsx"
    assert table.sheet_names == ["Jäsenet"] and table.sheet == "Jäsenet"
    assert table.headers == corpus.HEADERS
    assert table.row_count_estimate == 2
    read = rows_of(table)
    assert [number for number, _ in read] == [2, 3]
    assert read[0][1][0] == "Äijä" and read[0][1][5] == datetime(1980, 2, 1)
    assert read[1][1] == corpus.ROWS[1]
    assert rows_of(table) == read  # rows() can be read again (preview, then the import)
    assert [number for number, _ in table.rows(start=3)] == [3]  # resume after a restart


def test_i1_xlsx_picks_the_named_sheet_and_skips_blank_rows():
    def build(worksheet):
        other = worksheet.parent.create_sheet("Muut")
        other.append(["Nimi"])
        other.append(["Toinen"])
        worksheet.append([None] * 7)
        worksheet.append(["Viimeinen", "Rivi"])

    data = corpus.xlsx_bytes(corpus.ROWS, build=build)
    table = open_table(data, "x.xlsx")
    assert [number for number, _ in rows_of(table)] == [2, 3, 5]
    assert rows_of(table)[-1][1] == ["Viimeinen", "Rivi", None, None, None, None, None]
    other = open_table(data, "x.xlsx", sheet="Muut")
    assert other.headers == ["Nimi"] and rows_of(other) == [(2, ["Toinen"])]


def test_i1_xlsx_written_by_libreoffice(tmp_path):
    data = corpus.libreoffice_xlsx(tmp_path)
    if data is None:
        if os.path.exists("/etc/debian_version") and os.geteuid() == 0:
            pytest.fail("LibreOffice is missing: scripts/setup.sh --browser installs libreoffice-calc-nogui")
        pytest.skip("LibreOffice (libreoffice-calc-nogui) is not installed and this is not Debian as root")
    table = open_table(data, "libreoffice.xlsx")
    assert table.headers == corpus.HEADERS
    read = rows_of(table)
    assert [number for number, _ in read] == [2, 3]
    first, second = read[0][1], read[1][1]
    assert first[:3] == ["Äijä", "Öhman", "aija@example.fi"]
    assert second[:2] == ["Åsa", "Ström"]
    # Calc reads the ISO date as a date and the postal code as a number (its leading zero lost):
    # validation puts it back (test_validation).
    assert second[5] == datetime(1985, 3, 4)
    assert first[4] == 100


@pytest.mark.parametrize(
    ("encoding", "bom", "delimiter"),
    [
        ("utf-8", False, ";"),
        ("utf-8", False, ","),
        ("utf-8", True, ";"),
        ("utf-8", True, ","),
        ("cp1252", False, ";"),
        ("cp1252", False, ","),
        ("utf-16", False, "\t"),
    ],
)
def test_i1_csv_in_each_encoding_and_separator_keeps_nordic_letters(encoding, bom, delimiter):
    data = corpus.csv_bytes(delimiter=delimiter, encoding=encoding, bom=bom)
    table = open_table(data, "jäsenet.csv")
    assert table.format == "csv" and table.delimiter == delimiter
    assert table.headers == corpus.HEADERS  # 'Sähköposti', 'Syntymäaika' and 'Jäsenlaji' intact
    assert rows_of(table) == [(2, corpus.ROWS[0]), (3, corpus.ROWS[1])]


def test_i1_csv_separator_with_decimal_commas_and_quotes():
    data = b'Nimi;Summa;Huom\n"Virtanen, Maija";12,50;"rivi\nkaksi"\nKorhonen;7,5;\n'
    table = open_table(data, "x.csv")
    assert table.delimiter == ";"
    assert rows_of(table) == [
        (2, ["Virtanen, Maija", "12,50", "rivi\nkaksi"]),
        (3, ["Korhonen", "7,5", None]),
    ]


def test_i1_csv_excel_separator_hint_line():
    data = b"sep=,\r\nNimi,Kaupunki\r\nMaija,Oulu\r\n"
    table = open_table(data, "x.csv")
    assert table.headers == ["Nimi", "Kaupunki"]
    assert rows_of(table) == [(3, ["Maija", "Oulu"])]


def test_i1_vcf_is_read_as_a_table():
    table = open_table(corpus.VCARD_3.encode(), "kortit.vcf")
    assert table.format == "vcard" and table.row_count_estimate == 2


# --- the broken corpus -----------------------------------------------------------------------------


def test_i1_truncated_xlsx():
    data = corpus.xlsx_bytes(corpus.ROWS)
    assert_refused(data[: len(data) // 2], "katkennut.xlsx", "truncated", "damaged")


def test_i1_png_renamed_xlsx():
    assert_refused(corpus.png_bytes(), "kuva.xlsx", "not_a_spreadsheet", "picture")
    assert_refused(corpus.png_bytes(), "kuva.csv", "not_a_spreadsheet", "picture")


def test_i1_old_xls_and_other_zip_files():
    assert_refused(reading.OLE_MAGIC + b"\x00" * 600, "vanha.xls", "not_a_spreadsheet", ".xls")
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert_refused(out.getvalue(), "teksti.xlsx", "not_a_spreadsheet", "not an Excel workbook")


def test_i1_wrong_sheet_names_the_sheets():
    error = assert_refused(corpus.xlsx_bytes(corpus.ROWS), "x.xlsx", "wrong_sheet", "Jäsenet", sheet="Taul1")
    assert error.details["sheets"] == ["Jäsenet"]


def test_i1_million_empty_rows_are_read_fast():
    data = corpus.million_empty_rows_xlsx()
    started = time.monotonic()
    table = open_table(data, "tyhjat.xlsx")
    read = rows_of(table)
    elapsed = time.monotonic() - started
    assert [number for number, _ in read] == [2, 3]
    assert table.row_count_estimate == 2
    assert elapsed < 5, f"took {elapsed:.1f} s"


def test_i1_too_many_rows_is_refused_before_reading_them():
    data = corpus.xlsx_bytes([[f"Nimi {n}", "X"] for n in range(30)])
    error = assert_refused_limit(data, "x.xlsx", 20)
    assert error.details == {"rows": 30, "limit": 20}
    csv_data = ("Nimi\n" + "".join(f"N{n}\n" for n in range(30))).encode()
    assert assert_refused_limit(csv_data, "x.csv", 20).details["rows"] == 30


def assert_refused_limit(data, filename, limit):
    with pytest.raises(ImportFileError) as caught:
        open_table(data, filename, max_rows=limit)
    assert caught.value.code == "too_many_rows"
    return caught.value


def test_i1_formulas_without_computed_values_name_the_cells():
    error = assert_refused(corpus.formulas_xlsx(), "kaavat.xlsx", "formulas", "H2", "save it")
    assert error.details["cells"] == ["H2", "H3"]


def test_i1_formulas_with_computed_values_are_read_as_values(tmp_path):
    """A workbook saved by a spreadsheet program has the computed values: they are imported."""
    import io
    import zipfile

    data = corpus.formulas_xlsx()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"<f>LEN(A2)*2</f><v />", b"<f>LEN(A2)*2</f><v>8</v>")
                content = content.replace(b"<f>LEN(A3)*2</f><v />", b"<f>LEN(A3)*2</f><v>6</v>")
            target.writestr(item, content)
    table = open_table(out.getvalue(), "kaavat.xlsx")
    assert [cells[7] for _, cells in rows_of(table)] == [8, 6]


def test_i1_merged_header_cells():
    error = assert_refused(corpus.merged_header_xlsx(), "x.xlsx", "merged_header_cells", "A1:B1")
    assert error.details["cells"] == ["A1:B1"]


@pytest.mark.parametrize("filename", ["x.xlsx", "x.csv"])
def test_i1_duplicate_headers(filename):
    headers = ["Etunimi", "Sukunimi", "etunimi"]
    rows = [["a", "b", "c"]]
    data = corpus.xlsx_bytes(rows, headers) if filename.endswith("xlsx") else corpus.csv_bytes(rows, headers)
    error = assert_refused(data, filename, "duplicate_headers", "etunimi")
    assert error.details["headers"] == ["etunimi"]


@pytest.mark.parametrize(
    ("data", "filename"),
    [(b"", "x.csv"), (b"  \r\n\r\n", "x.csv"), (b"", "x.xlsx"), (b"\xef\xbb\xbf", "x.csv")],
)
def test_i1_empty_file(data, filename):
    assert_refused(data, filename, "empty", "empty")


def test_i1_headers_without_rows_and_sheet_without_anything():
    assert_refused(b"Etunimi;Sukunimi\r\n", "x.csv", "empty", "no rows")
    assert_refused(corpus.xlsx_bytes([]), "x.xlsx", "empty", "no rows")
    assert_refused(corpus.xlsx_bytes([], headers=[]), "x.xlsx", "empty", "empty")


def test_i1_no_header_row():
    assert_refused(corpus.xlsx_bytes([[1, 2]], headers=[datetime(2024, 1, 1), 5]), "x.xlsx", "no_header")


def test_i1_undecodable_text():
    error = assert_refused(b"\xef\xbb\xbfNimi\n\xff\xfe\n", "x.csv", "encoding", "UTF-8")
    assert error.details["position"] == 6


def test_i1_error_as_dict_for_the_api():
    error = assert_refused(b"", "x.csv", "empty")
    assert error.as_dict() == {"code": "empty", "message": "import.file.empty", "params": {}, "details": {}}
    assert text(error.entry, "en") == "The file is empty." and text(error.entry, "fi") == "Tiedosto on tyhjä."


def test_i1_title_rows_above_the_column_names_are_skipped():
    def build(worksheet):
        worksheet.insert_rows(1, 2)
        worksheet["A1"] = "Jäsenluettelo 2024"
        worksheet.merge_cells("A1:C1")

    table = open_table(corpus.xlsx_bytes(corpus.ROWS, build=build), "x.xlsx")
    assert table.headers == corpus.HEADERS
    assert [number for number, _ in table.rows()] == [4, 5]
    csv_table = open_table(("Jäsenluettelo;;\n" + corpus.csv_bytes().decode()).encode(), "x.csv")
    assert csv_table.headers == corpus.HEADERS and [n for n, _ in csv_table.rows()] == [3, 4]
    single = open_table(b"S\xc3\xa4hk\xc3\xb6posti\na@example.fi\nb@example.fi\n", "x.csv")
    assert single.headers == ["Sähköposti"] and len(list(single.rows())) == 2


def test_i1_the_first_visible_sheet_is_read_by_default():
    def build(worksheet):
        worksheet.sheet_state = "hidden"
        shown = worksheet.parent.create_sheet("Näkyvä")
        shown.append(["Nimi"])
        shown.append(["Näkyvä rivi"])

    table = open_table(corpus.xlsx_bytes(corpus.ROWS, build=build), "x.xlsx")
    assert table.sheet_names == ["Jäsenet", "Näkyvä"] and table.sheet == "Näkyvä"
    assert list(table.rows()) == [(2, ["Näkyvä rivi"])]


def test_i1_every_file_error_has_a_text_in_finnish_swedish_and_english():
    broken = [
        (b"", "x.csv", None),
        (corpus.png_bytes(), "kuva.xlsx", None),
        (corpus.png_bytes(), "kuva.csv", None),
        (reading.OLE_MAGIC + b"\x00" * 600, "vanha.xls", None),
        (corpus.xlsx_bytes(corpus.ROWS)[:900], "x.xlsx", None),
        (corpus.xlsx_bytes(corpus.ROWS), "x.xlsx", "Taul1"),
        (corpus.formulas_xlsx(), "x.xlsx", None),
        (corpus.merged_header_xlsx(), "x.xlsx", None),
        (corpus.csv_bytes([["a"]], ["A", "a"]), "x.csv", None),
        (b"Etunimi\r\n", "x.csv", None),
        (b"\xef\xbb\xbfNimi\n\xff\n", "x.csv", None),
        (b"BEGIN:VCARD\nFN:X\n", "x.vcf", None),
    ]
    for data, filename, sheet in broken:
        with pytest.raises(ImportFileError) as caught:
            open_table(data, filename, sheet)
        assert is_code(caught.value.message), caught.value.message
        texts = {language: text(caught.value.entry, language) for language in ("fi", "sv", "en")}
        assert len(set(texts.values())) == 3, texts  # three languages, none the code itself
        assert not any("{" in words for words in texts.values()), texts  # every placeholder filled
