"""The hostile and broken import files of issue 12 item 1 (I1): how each is made, and the error it must get.

``CASES`` lists every file: its name, the ImportFileError code it must be refused with, and whether it
is stored in this folder (small) or made at test time (it would be large on disk). Run
``.venv/bin/python -m tests.hostile_files.build`` to write the stored ones again; README.md describes
each file.
"""

import io
import struct
import zipfile
from pathlib import Path

from services.imports.tests import corpus

HERE = Path(__file__).resolve().parent
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
MB = 1024 * 1024


def _workbook():
    """A small, valid .xlsx (openpyxl) to take apart: {part name: bytes}, in order."""
    source = zipfile.ZipFile(io.BytesIO(corpus.xlsx_bytes(corpus.ROWS)))
    return {item.filename: source.read(item.filename) for item in source.infolist()}


def _zip(parts, compression=zipfile.ZIP_DEFLATED, level=9):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression, compresslevel=level) as archive:
        for name, content in parts.items():
            archive.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), content, compression, level)
    return out.getvalue()


def _with(**changes):
    parts = _workbook()
    for key, value in changes.items():
        parts[{"sheet": SHEET, "strings": STRINGS, "workbook": "xl/workbook.xml"}.get(key, key)] = value
    return _zip(parts)


def _sheet(rows_xml, dimension="A1:B2"):
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{rows_xml}</sheetData></worksheet>'
    ).encode()


def _header_rows():
    return (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Etunimi</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>Sukunimi</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>Maija</t></is></c>'
        '<c r="B2" t="inlineStr"><is><t>Virtanen</t></is></c></row>'
    )


def _lie_about_sizes(data, sizes):
    """The zip ``data`` with the central directory claiming ``sizes`` ({name: unpacked bytes})."""
    data = bytearray(data)
    position = data.find(b"PK\x01\x02")
    while position >= 0:
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, position + 28)
        name = bytes(data[position + 46 : position + 46 + name_length]).decode()
        if name in sizes:
            struct.pack_into("<I", data, position + 24, sizes[name])
        position = data.find(b"PK\x01\x02", position + 46 + name_length + extra_length + comment_length)
    return bytes(data)


# --- .xlsx ------------------------------------------------------------------------------------------------


def ratio_bomb():
    """50 MB of empty rows packed into ~50 KB (ratio ~1,000)."""
    return _with(sheet=_sheet(_header_rows() + "<row/>" * (50 * MB // 6)))


def declared_3_5gb():
    """A sheet whose central directory entry claims 3.5 GB unpacked (the bytes are a small sheet): over
    the one-part limit (3,000 MB), which is checked before the ratio."""
    return _lie_about_sizes(_with(sheet=_sheet(_header_rows())), {SHEET: 3_500_000_000})


def understated_size():
    """A sheet unpacking to 50 MB whose central directory claims 200 KB (the ratio check sees 4×): the
    reader must stop at the claimed size, not unpack what the stream holds."""
    data = _with(sheet=_sheet(_header_rows() + "<row/>" * (50 * MB // 6)))
    return _lie_about_sizes(data, {SHEET: 200 * 1024})


def declared_total():
    """Six parts claiming 600 MB each: none too large alone, 3.6 GB together."""
    parts = _workbook()
    parts.update({f"xl/media/image{n}.png": b"\x89PNG" * 100 for n in range(6)})
    sizes = {f"xl/media/image{n}.png": 600 * MB for n in range(6)}
    return _lie_about_sizes(_zip(parts, zipfile.ZIP_STORED), sizes)


def many_parts():
    parts = _workbook()
    parts.update({f"xl/media/p{n}.bin": b"" for n in range(5000)})
    return _zip(parts)


def overlapping():
    """Fifield's non-recursive bomb shape: a second entry whose data is the first one's (same offset)."""
    parts = _workbook()
    parts["xl/worksheets/sheet2.xml"] = parts[SHEET]
    data = bytearray(_zip(parts))
    offsets = {}
    position = data.find(b"PK\x01\x02")
    while position >= 0:
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, position + 28)
        name = bytes(data[position + 46 : position + 46 + name_length]).decode()
        offsets[name] = position
        position = data.find(b"PK\x01\x02", position + 46 + name_length + extra_length + comment_length)
    first = struct.unpack_from("<I", data, offsets[SHEET] + 42)[0]
    struct.pack_into("<I", data, offsets["xl/worksheets/sheet2.xml"] + 42, first)
    return bytes(data)


def nested_zip():
    inner = _zip({"bomb.txt": b"0" * MB})
    return _with(**{"xl/embeddings/oleObject1.zip": inner})


def path_traversal():
    return _with(**{"../../../etc/cron.d/piiri": b"* * * * * root true\n"})


def billion_laughs():
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">' for n in range(1, 10)
    )
    strings = (
        f'<?xml version="1.0"?><!DOCTYPE sst [{entities}]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        "<si><t>&lol9;</t></si></sst>"
    )
    sheet = _sheet(
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    )
    return _with(sheet=sheet, strings=strings.encode())


def external_entity():
    workbook = _workbook()["xl/workbook.xml"].decode()
    xxe = '<?xml version="1.0"?><!DOCTYPE workbook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return _with(workbook=(xxe + workbook.split("?>", 1)[-1]).encode())


def utf16_doctype():
    sheet = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]>'
        + _sheet(_header_rows()).decode().split("?>", 1)[1]
    )
    return _with(sheet=b"\xff\xfe" + sheet.encode("utf-16-le"))


def renamed_xml_part():
    """The sheet moved to a part named .bin (its relationship follows it), declaring entities there."""
    parts = _workbook()
    sheet = parts.pop(SHEET).decode()
    doctype = '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    body = sheet.split("?>", 1)[-1]
    parts["xl/worksheets/sheet1.bin"] = ('<?xml version="1.0"?>' + doctype + body).encode()
    rels = "xl/_rels/workbook.xml.rels"
    parts[rels] = parts[rels].replace(b"worksheets/sheet1.xml", b"worksheets/sheet1.bin")
    return _zip(parts)


def truncated():
    data = corpus.xlsx_bytes(corpus.ROWS)
    return data[: len(data) // 2]


def corrupt_deflate():
    """A whole zip whose sheet's compressed bytes were overwritten: found only when the sheet is read."""
    parts = _workbook()
    parts[SHEET] = _sheet(_header_rows() * 1 + "<row/>" * 2000)
    data = bytearray(_zip(parts))
    start = data.find(b"PK\x03\x04", data.find(SHEET.encode()) - 40)
    name_length, extra_length = struct.unpack_from("<HH", data, start + 26)
    body = start + 30 + name_length + extra_length
    data[body + 10 : body + 60] = b"\xff" * 50
    return bytes(data)


def sparse_million_rows():
    """1,048,576 rows, small on disk: the header, one person, and a value in the sheet's last row."""
    rows = _header_rows() + '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>X</t></is></c></row>'
    return _with(sheet=_sheet(rows, "A1:B1048576"))


def impossible_dimension():
    return _with(sheet=_sheet(_header_rows(), "A1:ZZZZ99999999"))


def wide_header():
    from openpyxl.utils import get_column_letter

    cells = "".join(
        f'<c r="{get_column_letter(n)}1" t="inlineStr"><is><t>S{n}</t></is></c>' for n in range(1, 2001)
    )
    return _with(sheet=_sheet(f'<row r="1">{cells}</row><row r="2"><c r="A2"><v>1</v></c></row>', "A1:BXX2"))


def pdf_named_xlsx():
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def old_xls():
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000


# --- .csv -----------------------------------------------------------------------------------------------


def csv_nul_late():
    lines = ["Etunimi;Sukunimi"] + [f"Nimi{n};Suku{n}" for n in range(400)]
    lines[300] = "Nul\x00li;Rivi"
    return ("\n".join(lines) + "\n").encode()


def csv_long_line():
    return ("Etunimi;Lisätiedot\nMaija;" + "x" * (200 * 1024) + "\n").encode()


def csv_million_columns():
    return ("Etunimi;Sukunimi\n" + ";".join(["a"] * 1_000_000) + "\n").encode()


def csv_wide():
    return (";".join(f"S{n}" for n in range(5000)) + "\n" + ";".join("1" * 5000) + "\n").encode()


def csv_mixed_encoding():
    return "Etunimi;Sukunimi\nMäkelä;Äijö\n".encode() + "Mäkelä;Öhman\n".encode("cp1252")


def csv_bad_utf8_with_bom():
    return b"\xef\xbb\xbfEtunimi;Sukunimi\nMaija;Virta\xff\xfenen\n"


def csv_bom_only():
    return b"\xef\xbb\xbf\r\n"


def csv_binary():
    return bytes(range(256)) * 8


def csv_million_rows():
    """1,048,576 data rows (the whole sheet of a spreadsheet), 23 MB made at test time."""
    return ("Etunimi;Sukunimi;Sähköposti\n" + "Maija;Virtanen;m@x.fi\n" * 1_048_576).encode()


# --- .vcf -------------------------------------------------------------------------------------------------


def vcard_folded_bomb():
    """One NOTE line folded into 100,000 continuation lines (gluing them naively is quadratic)."""
    return (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Maija\r\nNOTE:x" + "\r\n xx" * 100_000 + "\r\nEND:VCARD\r\n"
    ).encode()


def vcard_many_properties():
    tels = "".join(f"TEL;TYPE=CELL:+358 40 {n:07d}\r\n" for n in range(10_000))
    return f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Maija\r\n{tels}END:VCARD\r\n".encode()


def vcard_unclosed():
    return b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Maija Virtanen\r\nEMAIL:maija@example.fi\r\n"


def vcard_nul():
    return b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Mai\x00ja\r\nEND:VCARD\r\n" + b"NOTE:x\r\n" * 600


# name, builder, expected code, stored in this folder (False: made at test time)
CASES = (
    ("zip_ratio_bomb.xlsx", ratio_bomb, "zip_ratio", True),
    ("zip_declared_3_5gb.xlsx", declared_3_5gb, "unzipped_too_large", True),
    ("zip_declared_total.xlsx", declared_total, "unzipped_too_large", True),
    ("zip_understated_size.xlsx", understated_size, "truncated", True),
    ("zip_5000_parts.xlsx", many_parts, "zip_entries", False),
    ("zip_overlapping_entries.xlsx", overlapping, "zip_overlap", True),
    ("zip_nested_zip.xlsx", nested_zip, "zip_odd_entry", True),
    ("zip_path_traversal.xlsx", path_traversal, "zip_odd_entry", True),
    ("xml_billion_laughs.xlsx", billion_laughs, "xml_entities", True),
    ("xml_external_entity.xlsx", external_entity, "xml_entities", True),
    ("xml_utf16_doctype.xlsx", utf16_doctype, "xml_entities", True),
    ("xml_doctype_in_bin_part.xlsx", renamed_xml_part, "xml_entities", True),
    ("truncated.xlsx", truncated, "truncated", True),
    ("corrupt_deflate.xlsx", corrupt_deflate, "truncated", True),
    ("rows_1048576_sparse.xlsx", sparse_million_rows, "too_many_rows", True),
    ("dimension_impossible.xlsx", impossible_dimension, "bad_dimension", True),
    ("columns_2000.xlsx", wide_header, "too_many_columns", True),
    ("formulas_uncomputed.xlsx", corpus.formulas_xlsx, "formulas", True),
    ("merged_header.xlsx", corpus.merged_header_xlsx, "merged_header_cells", True),
    ("pdf_named.xlsx", pdf_named_xlsx, "not_a_spreadsheet", True),
    ("old_excel_named.csv", old_xls, "not_a_spreadsheet", True),
    ("nul_on_line_302.csv", csv_nul_late, "nul_bytes", True),
    ("line_200kb.csv", csv_long_line, "line_too_long", False),
    ("columns_1000000.csv", csv_million_columns, "line_too_long", False),
    ("columns_5000.csv", csv_wide, "too_many_columns", True),
    ("mixed_utf8_cp1252.csv", csv_mixed_encoding, "mixed_encoding", True),
    ("bom_then_bad_utf8.csv", csv_bad_utf8_with_bom, "encoding", True),
    ("bom_only.csv", csv_bom_only, "empty", True),
    ("binary_noise.csv", csv_binary, "not_a_spreadsheet", True),
    ("rows_1048576.csv", csv_million_rows, "too_many_rows", False),
    ("vcard_folded_bomb.vcf", vcard_folded_bomb, "line_too_long", False),
    ("vcard_10000_phones.vcf", vcard_many_properties, "too_many_properties", False),
    ("vcard_unclosed.vcf", vcard_unclosed, "truncated", True),
    ("vcard_nul.vcf", vcard_nul, "nul_bytes", True),
)


def data_of(name):
    """The bytes of the corpus file ``name``: read from this folder, or made now."""
    for case_name, builder, _, stored in CASES:
        if case_name == name:
            return (HERE / name).read_bytes() if stored else builder()
    raise KeyError(name)


def write_stored():
    for name, builder, _, stored in CASES:
        if stored:
            (HERE / name).write_bytes(builder())


if __name__ == "__main__":
    write_stored()
