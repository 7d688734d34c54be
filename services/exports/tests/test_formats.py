"""I2 export formats, unit level: each format's output parsed back (openpyxl, csv, a small vCard reader,
the QR decoded by its matrix size), and the registry's errors."""

import csv
import io
import json
import shutil
import subprocess
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from piiri.errors import ValidationFailed
from services.exports import columns as export_columns
from services.exports.contract.rows import sample_row
from services.exports.formats import formats, get_format
from services.exports.formats.csv_format import safe_cell
from services.exports.formats.vcard import card, fold
from services.exports.layout.countries import country_name

CUSTOM = {
    "paid": {"label_fi": "Maksanut", "label_en": "Paid", "field_type": "boolean"},
    "shoe": {"label_fi": "Kenkä", "label_en": "Shoe", "field_type": "number"},
    "joined": {"label_fi": "Liittyi", "label_en": "Joined", "field_type": "date"},
}
COLUMNS = ["display_name", "phone", "birth_date", "tags", "custom.paid", "custom.shoe", "custom.joined"]


def rows():
    return [
        sample_row(custom={"paid": True, "shoe": 42.5, "joined": "2020-01-31"}),
        sample_row(
            id="0e0e0e0e-0000-4000-8000-000000000002",
            display_name='=HYPERLINK("http://evil")',
            email=None,
            emails=[],
            birth_date=None,
            tags=["a", "b"],
            custom={"paid": False},
        ),
    ]


def write(name, options=None, language="fi", columns=COLUMNS, given=None):
    export_format = get_format(name)
    loaded = export_format.load_options(options or {})
    loaded["columns"] = export_columns.resolve(columns, CUSTOM) if export_format.uses_columns else []
    out = io.BytesIO()
    result = export_format.write(iter(given if given is not None else rows()), loaded, out, language)
    return out.getvalue(), result


def test_i2_xlsx_has_typed_cells_bold_header_and_frozen_panes():
    body, _ = write("xlsx", language="en")
    sheet = load_workbook(io.BytesIO(body)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("Name", "Phone", "Date of birth", "Tags", "Paid", "Shoe", "Joined")
    assert sheet["A1"].font.b is True and sheet.freeze_panes == "A2"
    first = values[1]
    assert first[1] == "+358401234567"  # a phone stays text
    assert isinstance(first[2], datetime) and first[2].date() == date(1980, 5, 17)
    assert sheet["C2"].number_format == "yyyy-mm-dd"
    assert first[4] is True and first[5] == 42.5 and first[6].date() == date(2020, 1, 31)
    assert values[2][3] == "a, b" and values[2][4] is False and values[2][5] is None


def test_i2_xlsx_refuses_a_bad_sheet_title():
    with pytest.raises(ValidationFailed, match="exp.err.options_invalid"):
        get_format("xlsx").load_options({"sheet_title": "a/b"})


@pytest.mark.parametrize("separator", [";", ","])
def test_i2_csv_reads_back_in_both_separators_with_bom_and_escaped_formulas(separator):
    body, _ = write("csv", {"separator": separator})
    assert body.startswith(b"\xef\xbb\xbf")
    records = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=separator))
    assert records[0] == ["Nimi", "Puhelin", "Syntymäaika", "Tunnisteet", "Maksanut", "Kenkä", "Liittyi"]
    assert records[1] == [
        "Maija Meikäläinen",
        "'+358401234567",
        "1980-05-17",
        "hallitus",
        "kyllä",
        "42.5",
        "2020-01-31",
    ]
    assert (
        records[2][0] == '\'=HYPERLINK("http://evil")' and records[2][3] == "a, b" and records[2][4] == "ei"
    )


def test_i2_csv_injection_escaping_covers_every_formula_start():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("Maija") == "Maija"


def test_i2_email_list_text_and_csv_leave_out_no_address_and_deceased():
    given = [
        sample_row(display_name="Maija, Meikäläinen", email="maija@example.fi"),
        sample_row(display_name="Ei Osoitetta", email=None, emails=[]),
        sample_row(display_name="Kuollut", email="dead@example.fi", deceased_on="2020-01-01"),
        sample_row(display_name="Tupla", email="MAIJA@example.fi"),
        sample_row(display_name="Pekka", email="pekka@example.fi"),
    ]
    body, result = write("email_list", given=given)
    assert body.decode().strip() == '"Maija, Meikäläinen" <maija@example.fi>, Pekka <pekka@example.fi>'
    assert result == {
        "rows_written": 2,
        "notes": {"skipped_deceased": 1, "skipped_no_email": 1, "skipped_duplicate_address": 1},
    }
    body, result = write("email_csv", {"separator": ","}, given=given, language="en")
    records = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert records == [
        ["Name", "E-mail"],
        ["Maija, Meikäläinen", "maija@example.fi"],
        ["Pekka", "pekka@example.fi"],
    ]
    assert get_format("email_list").default_exclude_deceased is True


def parse_vcards(text):
    """A small vCard reader: unfold lines, split into cards of (name with params, value)."""
    assert "\n" not in text.replace("\r\n", "")
    unfolded = text.replace("\r\n ", "")
    cards, current = [], None
    for line in unfolded.split("\r\n"):
        if not line:
            continue
        name, _, value = line.partition(":")
        if name == "BEGIN":
            current = []
        elif name == "END":
            cards.append(current)
        else:
            current.append((name, value))
    return cards


def test_i2_vcard_4_has_every_entry_with_types_org_title_birthday_and_escaping():
    row = sample_row(
        emails=[
            {"address": "maija@example.fi", "kind": "home", "primary": True},
            {"address": "maija@work.fi", "kind": "work", "primary": False},
        ],
        phones=[{"number": "+358401234567", "kind": "mobile", "primary": True}],
        title="Johtaja; hallitus, pj",
        organisation="Esimerkki ry",
    )
    body, _ = write("vcard", given=[row, sample_row(kind="organisation", organisation_name="Yhdistys ry")])
    first, second = parse_vcards(body.decode())
    lines = dict(first)
    assert ("VERSION", "4.0") in first and lines["FN"] == "Maija Meikäläinen"
    assert lines["N"] == "Meikäläinen;Maija;;;"
    assert ("EMAIL;TYPE=home;PREF=1", "maija@example.fi") in first and (
        "EMAIL;TYPE=work",
        "maija@work.fi",
    ) in first
    assert ("TEL;VALUE=uri;TYPE=voice,cell;PREF=1", "tel:+358401234567") in first
    assert ("ADR;TYPE=home;PREF=1", ";;Mannerheimintie 1 A 2;Helsinki;;00100;FI") in first
    assert lines["TITLE"] == "Johtaja\\; hallitus\\, pj" and lines["ORG"] == "Esimerkki ry"
    assert lines["BDAY"] == "19800517"
    assert dict(second)["KIND"] == "org" and dict(second)["ORG"] == "Yhdistys ry"


def test_i2_vcard_3_types_and_folding_at_75_octets():
    text = card(sample_row(title="Ä" * 100), "3.0")
    assert "VERSION:3.0" in text and "TEL;TYPE=cell,pref:+358401234567" in text and "BDAY:1980-05-17" in text
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    assert dict(parse_vcards(text)[0])["TITLE"] == "Ä" * 100
    assert fold("x" * 75) == "x" * 75 + "\r\n"


def test_i2_qr_vcard_is_a_png_or_svg_of_one_contact():
    body, result = write("qr_vcard", given=[sample_row()])
    assert body.startswith(b"\x89PNG") and result is None
    body, result = write("qr_vcard", {"image": "svg"}, given=[sample_row()])
    assert b"<svg" in body and result == {"content_type": "image/svg+xml", "extension": "svg"}
    with pytest.raises(ValidationFailed, match="exp.err.one_contact"):
        write("qr_vcard", given=[])


def test_i2_ndjson_and_json_stream_rows():
    body, _ = write("ndjson")
    lines = body.decode().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [row["id"] for row in rows()]
    body, _ = write("json")
    assert [item["display_name"] for item in json.loads(body)] == [row["display_name"] for row in rows()]
    body, _ = write("json", given=[])
    assert json.loads(body) == []


def test_i2_registry_lists_formats_and_refuses_unknown_ones_and_columns():
    names = [item.name for item in formats()]
    assert {"xlsx", "csv", "email_list", "email_csv", "vcard", "qr_vcard", "ndjson", "json"} <= set(names)
    with pytest.raises(ValidationFailed, match="exp.err.invalid"):
        get_format("docx")
    with pytest.raises(ValidationFailed) as unknown:
        export_columns.check_columns(["display_name", "salary"])
    assert unknown.value.details == {
        "columns": [{"code": "exp.err.unknown_column", "params": {"key": "salary"}}]
    }
    with pytest.raises(ValidationFailed) as no_field:
        export_columns.resolve(["custom.nope"], CUSTOM)
    assert no_field.value.details == {
        "columns": [{"code": "value.no_custom_field", "params": {"key": "nope"}}]
    }
    assert export_columns.check_columns(None)[0] == "display_name"


@pytest.mark.skipif(not shutil.which("libreoffice"), reason="LibreOffice is not installed")
def test_i2_libreoffice_reads_the_xlsx_with_its_types(tmp_path):
    """I2: LibreOffice opens the .xlsx (converted to CSV): the header, texts, the date as a date."""
    body, _ = write("xlsx", language="en")
    source = tmp_path / "export.xlsx"
    source.write_bytes(body)
    profile = f"-env:UserInstallation=file://{tmp_path}/profile"
    utf8_csv = "csv:Text - txt - csv (StarCalc):44,34,76"  # comma, double quote, UTF-8
    command = ["libreoffice", "--headless", profile, "--convert-to", utf8_csv, "--outdir", str(tmp_path)]
    subprocess.run([*command, str(source)], check=True, capture_output=True, timeout=120)
    records = list(csv.reader(io.StringIO((tmp_path / "export.csv").read_text("utf-8"))))
    assert records[0] == ["Name", "Phone", "Date of birth", "Tags", "Paid", "Shoe", "Joined"]
    assert records[1][:3] == ["Maija Meikäläinen", "+358401234567", "1980-05-17"]
    assert records[1][4] in ("TRUE", "1") and records[1][5] == "42.5"


def test_i2_issue11_xlsx_keeps_a_formula_like_text_as_text():
    """Formula-safety of the kept writer (issue 11 item 10: XlsxWriter was measured and not taken)."""
    body, _ = write("xlsx", language="en")
    sheet = load_workbook(io.BytesIO(body)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if str(cell.value).startswith("=HYPERLINK")]
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_issue11_a_swedish_export_has_swedish_headers_words_and_labels():
    """Swedish users get Swedish column headers, yes/no, format names and country names; a custom
    field (which has no Swedish label) shows its Finnish label, as in the web UI."""
    body, _ = write("csv", {"separator": ";"}, language="sv")
    records = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert records[0] == ["Namn", "Telefon", "Födelsedatum", "Taggar", "Maksanut", "Kenkä", "Liittyi"]
    assert records[1][4] == "ja" and records[2][4] == "nej"
    email_csv, _ = write("email_csv", language="sv")
    assert email_csv.decode("utf-8-sig").splitlines()[0] == "Namn;E-post"
    for export_format in formats():
        assert export_format.label("sv") and export_format.label("sv") == export_format.label_sv
    assert get_format("pdf_list").label("sv") == "PDF-förteckning"
    assert country_name("SE", "sv") == "Sverige" and country_name("SE", "fi") == "Ruotsi"
    assert country_name("SE", "en") == "Sweden"
