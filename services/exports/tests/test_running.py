"""I2, the job run without Nameko (services/exports/running.py) and the .xlsx writer's edge cases: pages
streamed to the format, progress reported per page, a deleted job stops, the file stored in chunks."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from services.exports import running
from services.exports.contract.rows import ROW_FIELDS, sample_row
from services.exports.xlsx_writer import column_letter, write_xlsx


def pages(count, size):
    rows = [
        sample_row(id=f"00000000-0000-4000-8000-{index:012d}", display_name=f"P{index}")
        for index in range(count)
    ]
    chunks = [rows[start : start + size] for start in range(0, count, size)] or [[]]
    return {
        (None if index == 0 else f"c{index}"): {
            "items": chunk,
            "next_cursor": f"c{index + 1}" if index + 1 < len(chunks) else None,
            "total": count if index == 0 else None,
            "custom_fields": {},
        }
        for index, chunk in enumerate(chunks)
    }


def job(name="ndjson", columns=()):
    return {"id": "j", "format": name, "columns": list(columns), "options": {}, "language": "fi"}


def test_i2_a_job_streams_every_page_reports_progress_and_stores_the_file_in_chunks(monkeypatch):
    book = pages(5, 2)
    progress, stored = [], {}
    monkeypatch.setattr(running, "CHUNK_BYTES", 100)

    def store(chunks, size, result):
        stored["data"] = b"".join(chunks)
        stored["size"], stored["result"] = size, result

    result = running.run(job(), book.__getitem__, lambda done, total: progress.append((done, total)), store)
    assert progress == [(0, 5), (2, None), (4, None), (5, None)]
    assert result == {
        "rows_done": 5,
        "rows_written": 5,
        "notes": {},
        "content_type": "application/x-ndjson",
        "extension": "ndjson",
        "contact_ids": {f"00000000-0000-4000-8000-00000000000{n}" for n in range(5)},  # issue 19
    }
    assert stored["data"].count(b"\n") == 5 and stored["size"] == len(stored["data"])


def test_i2_a_job_deleted_while_it_runs_stops_at_the_next_page():
    book = pages(6, 2)
    with pytest.raises(running.JobGone):
        running.run(job(), book.__getitem__, lambda done, total: done < 2, lambda *args: None)


def test_i2_flat_formats_read_only_their_columns_and_layouts_every_field():
    from services.exports.formats import get_format

    assert running.audit_columns(job("csv", ["email"]), get_format("csv")) == ["email"]
    assert running.audit_columns(job("csv"), get_format("csv"))[0] == "display_name"  # the defaults
    assert running.audit_columns(job("vcard"), get_format("vcard")) == list(ROW_FIELDS)


def test_i2_xlsx_writer_cleans_control_characters_and_names_columns_past_z():
    assert [column_letter(index) for index in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    out = io.BytesIO()
    write_xlsx(
        out, "Lista & <muut>", ["a\x01b", "n"], [["x\x0by <&>", 1.5], [None, date(2000, 1, 2)], [True, -3]]
    )
    book = load_workbook(io.BytesIO(out.getvalue()))
    assert book.sheetnames == ["Lista & <muut>"]
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == ("ab", "n") and rows[1] == ("xy <&>", 1.5)
    assert rows[2][0] is None and rows[2][1].date() == date(2000, 1, 2) and rows[3] == (True, -3)


def test_g4_issue19_the_file_records_its_contacts_and_the_couples_whose_address_name_it_holds():
    couple = {
        "id": "c0c0c0c0-0000-4000-8000-000000000000",
        "member_ids": ["a", "p"],
        "address_name_fi": "A ja P",
        "address_name_en": "x",
    }
    book = {None: {"items": [sample_row(id="a", couple=couple), sample_row(id="b")], "next_cursor": None}}
    result = running.run(job(), book.__getitem__, lambda done, total: True, lambda *args: None)
    # the partner "p" is not a row, but the couple's address name names them (issue 19, G3/G4)
    assert result["contact_ids"] == {"a", "b", "p", couple["id"]}
