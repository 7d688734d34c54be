"""Issue 12 item 1 (I1): the limits of an import file, checked before the expensive work; every file of
the hostile corpus (tests/hostile_files) is refused by the reader with its specific code, fast, and the
refusal has a Finnish text. The same files through the imports service: tests/integration/
test_hostile_files.py."""

import time

import pytest

from services.imports.contract.messages import text
from services.imports.limits import Limits
from services.imports.reading import ImportFileError, open_table
from services.imports.tests import corpus
from services.imports.vcard import unfold
from tests.hostile_files.build import CASES, HERE, data_of


def words(error, language="fi"):
    """An ImportFileError's message in ``language`` (its code when the catalog has no text for it)."""
    return text(error.entry, language)


def refusal(data, filename, limits=None):
    with pytest.raises(ImportFileError) as caught:
        table = open_table(data, filename, limits=limits)
        list(table.rows())
    return caught.value


@pytest.mark.parametrize(("name", "code"), [(name, code) for name, _, code, _ in CASES])
def test_i1_issue12_each_hostile_file_is_refused_quickly_with_its_code_and_a_finnish_text(name, code):
    data = data_of(name)
    started = time.monotonic()
    error = refusal(data, name)
    elapsed = time.monotonic() - started
    assert error.code == code, error.message
    assert words(error) != error.message, error.message
    assert elapsed < (8 if name.startswith("rows_") else 2), f"{name}: {elapsed:.1f} s"


def test_i1_issue12_the_corpus_has_at_least_25_files_each_in_the_readme():
    readme = (HERE / "README.md").read_text()
    assert len(CASES) >= 25
    for name, _, code, _ in CASES:
        assert f"`{name}`" in readme and f"`{code}`" in readme, name


def test_i1_issue12_limits_come_from_the_configuration():
    limits = Limits.from_config(
        {"IMPORT_MAX_ROWS": "10", "IMPORT_MAX_LINE_CHARS": 50, "IMPORT_MAX_CELLS": ""}
    )
    assert (limits.rows, limits.line_chars, limits.cells) == (10, 50, Limits.cells)
    error = refusal(b"Nimi\n" + b"x" * 60 + b"\n", "x.csv", limits)
    assert (error.code, error.details["line"], error.details["limit"]) == ("line_too_long", 2, 50)


def test_i1_issue12_a_sheet_with_more_cells_than_allowed_is_refused_before_it_is_read():
    data = corpus.xlsx_bytes([[f"N{n}", "X", n] for n in range(50)], headers=["A", "B", "C"])
    error = refusal(data, "x.xlsx", Limits(cells=100))
    assert error.code == "too_many_cells" and error.details["limit"] == 100
    assert "Jäsenet" in words(error) and words(error) != error.message


def test_i1_issue12_too_many_vcards_are_refused():
    data = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nEND:VCARD\r\n" * 12
    error = refusal(data, "x.vcf", Limits(rows=10))
    assert error.code == "too_many_cards" and words(error) != error.message


def test_i1_issue12_unfolding_a_vcard_is_linear_not_quadratic():
    text = "NOTE:x" + "\r\n xxxxxxxx" * 200_000
    started = time.monotonic()
    (line,) = unfold(text, max_chars=10_000_000)
    assert len(line) == 6 + 8 * 200_000
    assert time.monotonic() - started < 2


def test_i1_issue12_an_upload_larger_than_the_limit_is_refused():
    error = refusal(corpus.csv_bytes(), "x.csv", Limits(file_bytes=100))
    assert error.code == "file_too_large" and words(error) != error.message


def test_i1_issue12_a_csv_column_limit_names_the_line():
    data = b"A;B\n1;2\n" + b";".join([b"x"] * 30) + b"\n"
    error = refusal(data, "x.csv", Limits(columns=20))
    assert (error.code, error.details["line"]) == ("too_many_columns", 3)


def test_i1_issue12_well_formed_files_pass_the_limits():
    for data, name in ((corpus.xlsx_bytes(corpus.ROWS), "x.xlsx"), (corpus.csv_bytes(), "x.csv")):
        assert len(list(open_table(data, name).rows())) == 2


def test_i1_issue12_a_reader_failing_unforeseen_fails_the_file_as_unreadable(monkeypatch):
    from services.imports import pipeline, reading

    def explode(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(reading, "open_table", explode)
    with pytest.raises(ImportFileError) as caught:
        pipeline.open_file(b"x", {"filename": "x.csv"})
    assert caught.value.code == "unreadable" and "RecursionError" in words(caught.value, "en")
    assert words(caught.value) == "Tiedostoa ei voitu lukea (RecursionError)."


def test_i1_issue12_a_csv_whose_lines_end_at_cr_alone_is_not_one_long_line():
    lines = ["Nimi;Kaupunki"] + [f"Nimi {n};Oulu" for n in range(2000)]
    table = open_table("\r".join(lines).encode(), "vanha-mac.csv", limits=Limits(line_chars=1000))
    assert len(list(table.rows())) == 2000
    long = "\r".join([*lines[:3], "x" * 1001]).encode()
    error = refusal(long, "x.csv", Limits(line_chars=1000))
    assert (error.code, error.details["line"], error.details["chars"]) == ("line_too_long", 4, 1001)


def test_i1_issue12_a_csv_with_more_cells_than_allowed_is_refused_before_its_rows_are_read():
    data = ("A;B;C\n" + "1;2;3\n" * 40).encode()
    error = refusal(data, "x.csv", Limits(cells=100))
    assert (error.code, error.details["limit"]) == ("too_many_cells", 100)
    assert words(error) != error.message and "sheet" not in words(error, "en")
    assert len(list(open_table(data, "x.csv", limits=Limits(cells=200)).rows())) == 40
