"""The gettext catalogs are whole (issue 11 item 5): every message id the code and templates use, and
every error code a service can raise, has a non-empty, non-fuzzy text in Finnish, Swedish and English,
with the same placeholders."""

import ast
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from gateway.i18n import DOMAIN, LANGUAGES, catalog_path, locale_dirs, messages
from piiri.errors import ERROR_CLASS_NAMES, is_code

ROOT = Path(__file__).resolve().parents[2]
ERRORS = ERROR_CLASS_NAMES


def placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def catalogs():
    for locale_dir in locale_dirs():
        for language in LANGUAGES:
            yield locale_dir, language, catalog_path(locale_dir, language)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The ids pybabel extract finds in the gateway's code and templates (as `make messages` runs it)."""
    pot = tmp_path_factory.mktemp("messages") / "extracted.pot"
    subprocess.run(
        [
            sys.executable, "-m", "babel.messages.frontend", "-q", "extract",
            "-F", str(ROOT / "babel.cfg"), "-k", "t", "--no-default-keywords",
            "--ignore-dirs", "tests", "--ignore-dirs", ".*", "-o", str(pot), str(ROOT),
        ],
        check=True, cwd=ROOT,
    )  # fmt: skip
    with open(pot, "rb") as handle:
        return {message.id for message in read_po(handle) if message.id}


def _codes_in_details(node):
    """Codes in a details argument: the items of each field's list (strings or ``coded(...)``)."""
    if isinstance(node, ast.Dict):
        for value in node.values:
            yield from _codes_in_details(value)
    elif isinstance(node, (ast.List, ast.Tuple)):
        for item in node.elts:
            if isinstance(item, ast.Constant):
                yield item
            else:
                yield from _codes_in_details(item)
    elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "coded" and node.args:
        yield node.args[0]


def service_codes():
    """The codes raised in services/ (not their tests): the message of a piiri.errors exception, the
    codes in its details' lists and ``coded(...)`` entries, and every code of a service's
    ``validation/contract.py`` (the codes its validators' findings become)."""
    codes = {}
    for path in (ROOT / "services").rglob("*.py"):
        if "tests" in path.parts:
            continue
        tree = ast.parse(path.read_text(), str(path))
        if path.parts[-2:] == ("validation", "contract.py"):
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and is_code(node.value):
                    codes.setdefault(node.value, f"{path.relative_to(ROOT)}:{node.lineno}")
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in ERRORS or not node.args:
                continue
            found = [node.args[0]]
            details = node.args[1] if len(node.args) > 1 else None
            details = details or next((k.value for k in node.keywords if k.arg == "details"), None)
            if details is not None:
                found.extend(_codes_in_details(details))
            for constant in found:
                if isinstance(constant, ast.Constant) and is_code(constant.value):
                    codes.setdefault(constant.value, f"{path.relative_to(ROOT)}:{constant.lineno}")
    return codes


def test_there_is_a_catalog_of_each_language_in_each_area():
    missing = [str(path) for _, _, path in catalogs() if not path.exists()]
    assert not missing
    assert len(locale_dirs()) >= 15


def test_every_catalog_has_the_same_ids_none_empty_or_fuzzy_and_the_same_placeholders():
    for locale_dir in locale_dirs():
        texts = {}
        for language in LANGUAGES:
            with open(catalog_path(locale_dir, language), "rb") as handle:
                catalog = read_po(handle, domain=DOMAIN)
            assert not catalog.fuzzy, f"{locale_dir}/{language}: the header is fuzzy"
            fuzzy = [message.id for message in catalog if message.id and message.fuzzy]
            empty = [message.id for message in catalog if message.id and not str(message.string).strip()]
            assert not fuzzy, f"{locale_dir}/{language}: fuzzy {fuzzy}"
            assert not empty, f"{locale_dir}/{language}: untranslated {empty}"
            texts[language] = {message.id: message.string for message in catalog if message.id}
        assert set(texts["fi"]) == set(texts["sv"]) == set(texts["en"]), locale_dir
        for message_id, finnish in texts["fi"].items():
            assert placeholders(finnish) == placeholders(texts["sv"][message_id]), message_id
            assert placeholders(finnish) == placeholders(texts["en"][message_id]), message_id


def test_no_id_is_in_two_areas():
    seen = {}
    for locale_dir in locale_dirs():
        with open(catalog_path(locale_dir, "fi"), "rb") as handle:
            for message in read_po(handle, domain=DOMAIN):
                if message.id:
                    assert message.id not in seen, f"{message.id} in {seen.get(message.id)} and {locale_dir}"
                    seen[message.id] = locale_dir


def test_every_id_used_in_code_and_templates_has_a_text_in_every_language(extracted):
    assert len(extracted) > 700
    for language in LANGUAGES:
        missing = extracted - set(messages(language))
        assert not missing, f"{language}: {sorted(missing)}"


def test_every_error_code_a_service_raises_has_a_text_in_every_language():
    codes = service_codes()
    assert {"contact.invalid", "contact.email_invalid", "contact.too_long"} <= set(codes)
    for language in LANGUAGES:
        known = set(messages(language))
        missing = {code: where for code, where in codes.items() if code not in known}
        assert not missing, f"{language}: {missing}"


def test_no_id_is_twice_in_one_catalog():
    """read_po keeps the last of two entries of one id silently (`make messages` the first): the text a
    reader sees would depend on the tool."""
    twice = []
    for locale_dir, language, path in catalogs():
        lines = path.read_text(encoding="utf-8").splitlines()
        ids = [line for line in lines if line.startswith("msgid ") and line != 'msgid ""']  # "": header
        twice += [f"{locale_dir}/{language}: {line}" for line in sorted(set(ids)) if ids.count(line) > 1]
    assert twice == []
