"""I1: the preview from the rows kept at upload (sample.py) is the preview from the file itself, for
workbooks with typed cells (dates, times, durations, numbers, booleans), CSVs and vCards."""

import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from services.imports import pipeline, reading, sample
from services.imports.tests import corpus
from services.imports.tests.test_pipeline import row_validator

TYPED_HEADERS = ["Etunimi", "Sukunimi", "Sähköposti", "Puhelin", "Postinumero", "Syntymäaika", "Lisätiedot"]
TYPED_ROWS = [
    ["Äijä", "Öhman", "aija@example.fi", 358401234567, 100, datetime(1980, 2, 1), "x"],
    ["Åsa", "Ström", "asa@example.se", "040 765 4321", "02100", date(1985, 3, 4), time(12, 30)],
    ["Eino", "Leino", "eino@", 401234567.0, 33100.0, "31.12.1990", timedelta(hours=5)],
    ["Ilona", None, None, None, None, datetime(2001, 1, 1, 8, 15), True],
    *[[f"Rivi{i}", "Täyte", f"rivi{i}@example.fi", None, "90100", "1.1.1970", i] for i in range(30)],
]


def previews(data, filename):
    table = reading.open_table(data, filename)
    validator = row_validator(table)
    stored = json.loads(json.dumps(sample.take(table, pipeline.PREVIEW_ROWS)))  # as JSONB gives it back
    kept = sample.SampleTable(table.headers, stored)
    return pipeline.preview(table, validator), pipeline.preview(kept, row_validator(kept)), stored


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (corpus.xlsx_bytes(TYPED_ROWS, headers=TYPED_HEADERS), "jasenet.xlsx"),
        (corpus.csv_bytes(), "jasenet.csv"),
        (corpus.csv_bytes(delimiter=",", encoding="cp1252"), "jasenet.csv"),
        (corpus.VCARD_3.encode(), "kortit.vcf"),
        (corpus.VCARD_4.encode(), "kortit.vcf"),
    ],
    ids=["xlsx-typed", "csv-utf8", "csv-cp1252", "vcard3", "vcard4"],
)
def test_i1_the_preview_from_the_kept_rows_is_the_preview_from_the_file(data, filename):
    from_file, from_sample, stored = previews(data, filename)
    assert from_sample == from_file
    assert len(stored) == len(from_file) <= pipeline.PREVIEW_ROWS
    if filename == "jasenet.xlsx":
        assert len(from_file) == pipeline.PREVIEW_ROWS and from_file[2]["errors"]  # e-mail "eino@"


def test_i1_typed_cells_keep_their_type_in_the_sample():
    table = reading.open_table(corpus.xlsx_bytes(TYPED_ROWS, headers=TYPED_HEADERS), "jasenet.xlsx")
    stored = json.loads(json.dumps(sample.take(table, 4)))
    cells = [cells for _, cells in sample.SampleTable(table.headers, stored).rows()]
    original = [cells for _, cells in table.rows()][:4]
    assert cells == original
    assert [type(row[5]) for row in cells] == [type(row[5]) for row in original]
    assert isinstance(sample._decode(sample._encode(Decimal("1.50"))), Decimal)
    assert sample._decode(sample._encode(("a", {"b": date(2020, 1, 2)}))) == ("a", {"b": date(2020, 1, 2)})


def test_i1_a_cell_json_cannot_keep_leaves_the_job_without_a_sample():
    class Odd:
        pass

    class Table:
        headers = ["Etunimi"]

        def rows(self, start=None):
            yield 2, ["Aino"]
            yield 3, [Odd()]

    assert sample.take(Table(), 20) is None
