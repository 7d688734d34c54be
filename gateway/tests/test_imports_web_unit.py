"""The import pages' error texts (I1, issue 12 item 1): a refused file's error is shown in Finnish."""

from gateway.web_imports import error_messages
from piiri.errors import ValidationFailed
from services.imports.reading import ImportFileError, open_table
from services.imports.service import file_error


def refused(data, filename):
    try:
        open_table(data, filename)
    except ImportFileError as exc:
        return file_error(exc)
    raise AssertionError("the file was accepted")


def test_i1_issue12_a_refused_file_is_named_in_finnish_on_the_finnish_page_and_in_english_otherwise():
    error = refused(b"Nimi\n" + b"x" * 70_000 + b"\n", "pitka.csv")
    assert error_messages(error, "fi") == [
        "CSV-tiedoston rivillä 2 on 70,000 merkkiä; enintään 65,536 on sallittu."
    ]
    assert error_messages(error, "en") == [error.message]


def test_i1_a_field_error_still_lists_its_fields():
    error = ValidationFailed("The mapping is not valid.", {"Sähköposti": ["No field x to import into."]})
    assert "Sähköposti: Kenttää x ei ole." in error_messages(error, "fi")
