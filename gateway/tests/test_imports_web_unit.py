"""The import pages' error texts (I1, issue 12 item 1): a refused file's error is shown in the user's
language."""

from gateway.imports.web import error_messages
from piiri.errors import ValidationFailed, coded


def test_i1_issue12_a_refused_file_is_named_in_finnish_on_the_finnish_page_and_in_english_otherwise():
    # as services.imports.service.file_error sends a file's error: its message code, details and params
    values = {"line": 2, "chars": 70000, "limit": 65536}
    error = ValidationFailed(
        "import.file.csv_line_too_long",
        {"file": [coded("import.file.csv_line_too_long", **values)], "code": "line_too_long", **values},
        values,
    )
    assert error.message == "import.file.csv_line_too_long" and error.details["code"] == "line_too_long"
    assert error_messages(error, "fi") == [
        "CSV-tiedoston rivillä 2 on 70\xa0000 merkkiä; enintään 65\xa0536 on sallittu."
    ]
    assert error_messages(error, "en") == [
        "Line 2 of the CSV file has 70,000 characters; at most 65,536 are allowed."
    ]
    assert error_messages(error, "sv") == [
        "Rad 2 i CSV-filen har 70\xa0000 tecken; högst 65\xa0536 är tillåtna."
    ]


def test_i1_the_gateway_words_the_imports_codes_as_the_imports_service_does():
    from gateway.i18n import Translator
    from services.imports.contract.messages import LANGUAGES, text

    entry = coded("import.cell.choice", value="kulta", choices=["full", "support"])
    for language in LANGUAGES:
        assert Translator(language).service_message(entry) == text(entry, language)
    assert Translator("fi").service_message("import.file.empty") == "Tiedosto on tyhjä."


def test_i1_a_field_error_still_lists_its_fields():
    error = ValidationFailed(
        "import.mapping.invalid", {"Sähköposti": [coded("import.mapping.unknown_field", field="x")]}
    )
    assert error_messages(error, "fi") == [
        "Sarakkeiden valinnoissa on virheitä.",
        "Sähköposti: Kenttää x ei ole.",
    ]


# --- issue 13 item 7: the job page tells each status as it is ------------------------------------------

import re  # noqa: E402

import pytest  # noqa: E402

from gateway.tests.test_web_unit import page_context  # noqa: E402
from gateway.web_helpers import render_html  # noqa: E402

JOB = {
    "id": "0b1c6a52-6c55-4c7e-9a4e-1f1f4a8e2b10",
    "filename": "jasenet.csv",
    "status": "validated",
    "total_rows": 4,
    "validated_rows": 4,
    "invalid_rows": 0,
    "committed_rows": 0,
    "counts": {},
    "options": {"on_duplicate": "update_fill"},
    "error": None,
    "expired_at": None,
    "expires_at": None,
}
DONE = {"created": 3, "updated": 1, "unchanged": 0, "skipped": 0, "errors": 0}


def page(language="fi", **job):
    html = render_html(
        "imports/job.html",
        language,
        job={**JOB, **job},
        refresh=None,
        preview=None,
        row_errors=None,
        undo_result=None,
        undo_refused=None,
        **page_context(current="/imports"),
    )
    main = html[html.index("<main") :] if "<main" in html else html
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


@pytest.mark.parametrize(
    ("job", "said", "not_said"),
    [
        ({"status": "uploading"}, ["Tila: Lähetetään"], ["Tuonti valmis", "Kumoa tuonti"]),
        ({"status": "validating", "validated_rows": 2}, ["Tarkistetaan rivejä: 2 / 4"], ["Tuonti valmis"]),
        ({"status": "committing", "committed_rows": 1}, ["Tuodaan rivejä: 1 / 4"], ["Tuonti valmis"]),
        (
            {
                "status": "validated",
                "counts": {"found": {"new": 2, "existing": 1, "in_file": 1, "ambiguous": 0}},
            },
            [
                "Mitä tuonti tekee",
                "Uusia yhteystietoja 2",
                "Täydentää olemassa olevia 1",
                "Samoja kuin toinen rivi 1",
            ],
            ["Tuonti valmis", "Kumoa tuonti"],
        ),
        (
            {"status": "done", "counts": DONE},
            ["Tuonti valmis", "Uusia yhteystietoja 3", "Kumoa tuonti"],
            ["kumottu"],
        ),
        (
            {"status": "undone", "counts": {**DONE, "undone": {"deleted": 3, "restored": 1}}},
            ["Tila: Kumottu", "Tuonti kumottu", "poistettiin (3)", "palautettiin (1)"],
            ["Tuonti valmis", "Uusia yhteystietoja 3", "Kumoa tuonti"],
        ),
        (
            {"status": "cancelled"},
            ["Tila: Peruttu", "ennen kuin yhtään yhteystietoa tuotiin"],
            ["Tuonti valmis"],
        ),
        (
            {"status": "cancelled", "counts": {**DONE, "created": 2}},
            ["Tuonti keskeytettiin: tämä ehdittiin tuoda", "Uusia yhteystietoja 2", "Kumoa tuonti"],
            ["Tuonti valmis"],
        ),
        (
            {"status": "failed", "error": {"message": "Levy täynnä."}},
            ["Tuonti epäonnistui: Levy täynnä.", "Yhtään yhteystietoa ei tuotu."],
            ["Tuonti valmis", "Kumoa tuonti"],
        ),
        (
            {"status": "failed", "counts": DONE, "error": {"message": "Levy täynnä.", "undone": True}},
            ["Jo tuodut rivit poistettiin"],
            ["Tuonti valmis", "Kumoa tuonti", "Uusia yhteystietoja 3"],
        ),
        (
            {"status": "failed", "counts": DONE, "error": {"message": "Levy täynnä.", "undo_failed": "x"}},
            ["Tuonti epäonnistui: tämä ehdittiin tuoda", "Kumoa tuonti"],
            ["Tuonti valmis"],
        ),
        (
            {"status": "expired", "expired_at": "2026-12-01T10:00:00+00:00"},
            ["Tila: Tiedosto poistettu"],
            ["Tuonti valmis"],
        ),
    ],
)
def test_issue13_7_each_status_of_an_import_is_told_as_it_is(job, said, not_said):
    text = page(**job)
    for words in said:
        assert words in text, (words, text)
    for words in not_said:
        assert words not in text, (words, text)


def test_issue13_7_the_undone_page_in_english_and_swedish():
    job = {"status": "undone", "counts": {**DONE, "undone": {"deleted": 3, "restored": 1}}}
    assert "Import undone" in page("en", **job) and "Import done" not in page("en", **job)
    assert "Importen har ångrats" in page("sv", **job)
    assert "memberships" not in page("en", **job)  # no group or consents: none removed
    assert "memberships" in page("en", **{**job, "options": {"group_id": "g"}})


def test_issue13_7_why_an_import_stopped_is_told_in_finnish_and_swedish():
    from gateway.i18n import Translator

    fi, sv = Translator("fi"), Translator("sv")
    assert (
        fi.service_message("import.job.rows_invalid", {"count": 3})
        == "3 rivillä on virheitä; mitään ei tuotu."
    )
    assert "odottamatta" in fi.service_message("import.job.unexpected")
    assert "oväntat" in sv.service_message("import.job.unexpected")
    waiting = fi.service_message("contact.import_chunk_waits", {"done": 2, "next": 3})
    assert waiting == "Tuonnin osa 2 ei ole valmis; osa 3 odottaa sitä."
