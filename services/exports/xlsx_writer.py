# ruff: noqa: E501  (the SpreadsheetML parts below are kept as the XML they are)
"""A small streaming .xlsx writer (I2): one sheet of typed cells (text, numbers, booleans, dates), a bold
header row and a frozen first row, written row by row into a deflated zip entry, so memory stays flat.

Why not openpyxl's write-only mode: on this 2-core machine it needed 15-25 s for 100,000 rows x 11
columns alone (bench/export_bench.py prints the comparison), against the 20 s target for the whole
export. This writer produces the same SpreadsheetML parts (inline strings, a styles part with a bold
font and a yyyy-mm-dd number format); openpyxl and LibreOffice read its files (tests).

Why not XlsxWriter (issue 11 item 10), measured with bench/xlsx_libraries.py, 100,000 rows x 11 typed
columns, the same machine and moment: this writer 1.3-1.9 s (52,000-77,000 rows/s), XlsxWriter in
constant_memory mode (cells written with write_string/number/boolean/datetime) 6.1-11.0 s
(9,000-16,000 rows/s), four to eight times slower. Texts are always inline strings here, never
formulas: a cell '=HYPERLINK(...)' stays text (formula-safe).
"""

import re
import zipfile
from datetime import date, datetime
from xml.sax.saxutils import escape

from piiri import clock

ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
EPOCH = date(1899, 12, 30)
MAX_TEXT = 32767  # Excel's cell limit
BATCH_ROWS = 500

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>
</Relationships>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<bookViews><workbookView/></bookViews>
<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""
# Cell styles: 0 plain, 1 date (yyyy-mm-dd), 2 bold (the header).
STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="3">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""
CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:creator>Piiri</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>
</cp:coreProperties>"""
APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Piiri</Application></Properties>"""
SHEET_START = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>\
<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>
<sheetFormatPr defaultRowHeight="15"/>
<sheetData>"""
SHEET_END = "</sheetData></worksheet>"


def column_letter(index):
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def text_cell(ref, value, style=""):
    value = str(value)
    if ILLEGAL_XML.search(value):
        value = ILLEGAL_XML.sub("", value)
    value = escape(value[:MAX_TEXT])
    return f'<c r="{ref}" t="inlineStr"{style}><is><t xml:space="preserve">{value}</t></is></c>'


def cell(ref, value):
    """One cell's XML for a Python value: None (no cell), bool, int/float, date/datetime or text."""
    if value is None:
        return ""
    kind = type(value)
    if kind is str:
        return text_cell(ref, value)
    if kind is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if kind is int or kind is float:
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if kind is date:
        return f'<c r="{ref}" s="1"><v>{(value - EPOCH).days}</v></c>'
    if kind is datetime:
        serial = (value.date() - EPOCH).days + (value.hour * 3600 + value.minute * 60 + value.second) / 86400
        return f'<c r="{ref}" s="1"><v>{serial!r}</v></c>'
    return text_cell(ref, value)


def write_xlsx(out, sheet_name, header, rows):
    """Write a workbook of one sheet to the binary file ``out``: the bold ``header`` (texts) and ``rows``
    (an iterable of lists of Python values), streamed."""
    letters = [column_letter(index) for index in range(len(header))]
    name = escape(ILLEGAL_XML.sub("", sheet_name), {'"': "&quot;"})
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("docProps/core.xml", CORE.format(created=clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")))
        archive.writestr("docProps/app.xml", APP)
        archive.writestr("xl/workbook.xml", WORKBOOK.format(name=name))
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", STYLES)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_START.encode())
            head = "".join(
                text_cell(f"{letter}1", text, ' s="2"') for letter, text in zip(letters, header, strict=True)
            )
            sheet.write(f'<row r="1">{head}</row>'.encode())
            batch = []
            for number, values in enumerate(rows, start=2):
                cells = "".join(
                    cell(f"{letter}{number}", value) for letter, value in zip(letters, values, strict=True)
                )
                batch.append(f'<row r="{number}">{cells}</row>')
                if len(batch) >= BATCH_ROWS:
                    sheet.write("".join(batch).encode())
                    batch = []
            sheet.write(("".join(batch) + SHEET_END).encode())
