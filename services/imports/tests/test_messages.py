"""I1, issue 11 item 5: the imports service's messages are codes worded by its contract's gettext catalog:
every code the service uses has a text in Finnish, Swedish and English with the same placeholders, no
text is left without a use, and numbers and lists show as the reader's language writes them."""

import ast
import string
from pathlib import Path

import pytest

from piiri.errors import coded, is_code
from services.imports.contract import messages
from services.imports.contract.messages import text

SERVICE = Path(__file__).resolve().parents[1]


def used_codes():
    """{code: where} of every message code of the service's own modules (not its tests):
    ``import.<part>.<what>`` (the audit actions, ``import.started``, have one dot)."""
    found = {}
    for path in SERVICE.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Constant) and is_code(node.value) and node.value.startswith("import."):
                if node.value.count(".") >= 2:
                    found.setdefault(node.value, f"{path.relative_to(SERVICE)}:{node.lineno}")
    return found


def placeholders(words):
    return {(name, spec) for _, name, spec, _ in string.Formatter().parse(words) if name}


def test_i1_every_code_the_service_uses_has_a_text_in_every_language():
    used = used_codes()
    assert len(used) > 60  # cells, rows, mappings, files, jobs
    for language in messages.LANGUAGES:
        catalog = messages.translations(language)._catalog
        missing = {code: where for code, where in used.items() if not catalog.get(code)}
        assert not missing, f"{language}: codes without a text: {missing}"


def test_i1_the_three_languages_have_the_same_texts_with_the_same_placeholders():
    english = messages.translations("en")._catalog
    assert set(english) - {""} == messages.codes()
    for language in ("fi", "sv"):
        own = messages.translations(language)._catalog
        assert set(own) == set(english), language
        for code in messages.codes():
            assert own[code] != english[code] or code == "import.file.csv_broken", (language, code)
            assert placeholders(own[code]) == placeholders(english[code]), (language, code)


def test_i1_no_text_is_left_without_a_use():
    assert messages.codes() - set(used_codes()) == set()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fi", "Tiedostossa on 1\xa0048\xa0577 riviä; yhdessä tuonnissa voi olla enintään 100\xa0000."),
        ("sv", "Filen har 1\xa0048\xa0577 rader; en import får ha högst 100\xa0000."),
        ("en", "The file has 1,048,577 rows; one import takes at most 100,000."),
    ],
)
def test_i1_numbers_show_with_the_readers_separators(language, expected):
    entry = coded("import.file.too_many_rows", count=1_048_577, limit=100_000)
    assert text(entry, language).startswith(expected)


def test_i1_lists_codes_and_old_texts():
    entry = coded("import.file.no_such_sheet", sheet="Taul1", sheets=["Jäsenet", "Tapahtumat"])
    assert text(entry, "fi") == "Työkirjassa ei ole taulukkoa 'Taul1'; sen taulukot: Jäsenet, Tapahtumat."
    assert text("import.row.person_name", "sv") == "En person måste ha ett för- eller efternamn."
    assert text("import.row.person_name", "de") == text("import.row.person_name", "fi")  # unknown: Finnish
    # a row the contacts service refused: its codes, which the gateway's catalogs word
    assert text(["import.row.required", "contact.email_invalid"], "en") == (
        "This field is required. contact.email_invalid"
    )
    assert text("Levy täynnä.", "en") == "Levy täynnä."  # a text stored before messages were codes
    assert text(None, "fi") == ""


def test_i1_a_refused_files_error_carries_its_code_kind_values_and_finding():
    from services.imports.errors import ImportFileError
    from services.imports.service import file_error

    values = {"line": 2, "chars": 70000, "limit": 65536}
    error = file_error(ImportFileError("line_too_long", "import.file.csv_line_too_long", **values))
    assert (error.message, error.params) == ("import.file.csv_line_too_long", values)
    assert error.details == {
        "file": [coded("import.file.csv_line_too_long", **values)],
        "code": "line_too_long",
        **values,
    }
    shown = ImportFileError("file_too_large", "import.file.too_large", {"limit": 50}, size=9, limit=52428800)
    assert shown.details == {"size": 9, "limit": 52428800} and shown.params == {"size": 9, "limit": 50}
