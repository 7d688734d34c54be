"""Real import files for the tests (I1): well-formed ones written by openpyxl, LibreOffice and by hand in
each CSV encoding, vCards, and the broken corpus. Generated (fast) instead of stored in the repository.
"""

import io
import os
import shutil
import subprocess
import zipfile

HEADERS = ["Etunimi", "Sukunimi", "Sähköposti", "Puhelin", "Postinumero", "Syntymäaika", "Jäsenlaji"]
ROWS = [
    ["Äijä", "Öhman", "aija@example.fi", "040 123 4567", "00100", "1.2.1980", "Varsinainen"],
    ["Åsa", "Ström", "asa@example.se", "+46 70 123 45 67", "02100", "1985-03-04", "kannatus"],
]


def xlsx_bytes(rows, headers=HEADERS, sheet="Jäsenet", build=None):
    """An .xlsx written by openpyxl; ``build(worksheet)`` may change it before saving."""
    from openpyxl import Workbook

    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    worksheet.append(headers)
    for row in rows:
        worksheet.append(row)
    if build:
        build(worksheet)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows=ROWS, headers=HEADERS, delimiter=";", encoding="utf-8", bom=False):
    lines = [delimiter.join(headers), *(delimiter.join(row) for row in rows)]
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def libreoffice_xlsx(tmp_dir, rows=ROWS, headers=HEADERS):
    """An .xlsx saved by LibreOffice Calc from a UTF-8 ';' CSV, or None when LibreOffice is missing."""
    binary = shutil.which("libreoffice") or shutil.which("soffice")
    if not binary:
        return None
    source = tmp_dir / "libreoffice.csv"
    source.write_bytes(csv_bytes(rows, headers))
    subprocess.run(
        [
            binary,
            f"-env:UserInstallation=file://{tmp_dir}/lo-profile",
            "--headless",
            "--infilter=CSV:59,34,76,1",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_dir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env={**os.environ, "HOME": str(tmp_dir)},
    )
    return (tmp_dir / "libreoffice.xlsx").read_bytes()


def million_empty_rows_xlsx(empty_rows=1_000_000):
    """An .xlsx whose sheet has two data rows and then ``empty_rows`` formatted but empty rows (as when
    a whole column is formatted), written straight as XML in a second or two."""
    template = xlsx_bytes(ROWS[:2])
    source = zipfile.ZipFile(io.BytesIO(template))
    sheet_path = "xl/worksheets/sheet1.xml"
    xml = source.read(sheet_path).decode()
    last = len(ROWS[:2]) + 1
    empty = "".join(f'<row r="{n}"><c r="A{n}" s="0"/></row>' for n in range(last + 1, last + 1 + empty_rows))
    xml = xml.replace("</sheetData>", empty + "</sheetData>")
    dimension = '<dimension ref="A1:G3" />'
    assert dimension in xml
    xml = xml.replace(dimension, f'<dimension ref="A1:G{last + empty_rows}" />')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, xml if item.filename == sheet_path else source.read(item.filename))
    return out.getvalue()


def png_bytes():
    import segno

    out = io.BytesIO()
    segno.make("not a spreadsheet").save(out, kind="png")
    return out.getvalue()


def formulas_xlsx():
    """Column H computed by formulas that were never calculated (openpyxl does not compute them)."""

    def build(worksheet):
        worksheet["H1"] = "Tupla"
        worksheet["H2"] = "=LEN(A2)*2"
        worksheet["H3"] = "=LEN(A3)*2"

    return xlsx_bytes(ROWS, build=build)


def merged_header_xlsx():
    return xlsx_bytes(ROWS, build=lambda worksheet: worksheet.merge_cells("A1:B1"))


VCARD_3 = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Öhman;Äijä;Maria;tri;\r\nFN:tri Äijä Öhman\r\n"
    "ORG:Esimerkki ry;Hallitus\r\nTITLE:Puheenjohtaja\r\n"
    "EMAIL;TYPE=INTERNET,WORK:aija.ohman@example.fi\r\nEMAIL;TYPE=INTERNET,HOME,PREF:aija@example.fi\r\n"
    "TEL;TYPE=CELL:040 123 4567\r\nTEL;TYPE=WORK,VOICE:09 1234 5678\r\n"
    "ADR;TYPE=HOME:;;Mannerheimintie 1 A\\, 3;Helsinki;;00100;Suomi\r\n"
    "BDAY:1980-02-01\r\nNOTE:Rivi yksi\\nrivi kaksi\\; ja puolipiste\r\n"
    "CATEGORIES:hallitus,vapaaehtoinen\r\n"
    "item1.URL:https://example.fi\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Ström;Åsa;;;\r\nFN:Åsa Ström\r\nEMAIL:asa@example.se\r\n"
    "TEL:+46 70 123 45 67\r\nEND:VCARD\r\n"
)
VCARD_4 = (
    "BEGIN:VCARD\nVERSION:4.0\nKIND:individual\nFN:Matti Meikäläinen\nN:Meikäläinen;Matti;;;\n"
    'EMAIL;TYPE=work;PREF=1:matti@example.fi\nTEL;VALUE=uri;TYPE="cell,voice":tel:+358-50-123-4567\n'
    "GENDER:M\nBDAY:19750615\n"
    'ADR;TYPE=work;LABEL="Katu 1\\n00100 Helsinki":;;Työkatu 5;Tampere;;33100;Finland\n'
    "NOTE:Pitkä muistiinpano joka on tai\n tettu kahdelle riville\nEND:VCARD\n"
    "BEGIN:VCARD\nVERSION:4.0\nKIND:org\nFN:Esimerkki Oy\nORG:Esimerkki Oy\nEMAIL:info@example.fi\n"
    "END:VCARD\n"
)
