"""The import pages' error texts (I1, issue 12 item 1): a refused file's error is shown in Finnish."""

from gateway.imports.web import error_messages
from piiri.errors import ValidationFailed

LONG_LINE = "Line 2 of the CSV file has 70,000 characters; at most 65,536 are allowed."


def test_i1_issue12_a_refused_file_is_named_in_finnish_on_the_finnish_page_and_in_english_otherwise():
    # as services.imports.service.file_error sends a file's error: the message, its code and details
    error = ValidationFailed(
        LONG_LINE, {"file": [LONG_LINE], "code": "line_too_long", "line": 2, "chars": 70000, "limit": 65536}
    )
    assert error_messages(error, "fi") == [
        "CSV-tiedoston rivillä 2 on 70,000 merkkiä; enintään 65,536 on sallittu."
    ]
    assert error_messages(error, "en") == [LONG_LINE]


def test_i1_a_field_error_still_lists_its_fields():
    error = ValidationFailed("The mapping is not valid.", {"Sähköposti": ["No field x to import into."]})
    assert "Sähköposti: Kenttää x ei ole." in error_messages(error, "fi")
