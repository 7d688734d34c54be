"""The words of the imports service's messages (I1): why a cell, a row or a column mapping is not valid,
why a file cannot be imported and why a job stopped, in Finnish, Swedish and English. Part of the
imports contract: the service words its Excel error report with it, and the gateway merges the same
catalog into its own (gateway/i18n.py), so a page and the report say the same thing.

The service stores and sends codes, never sentences: a message is a code (``import.cell.not_date``) or
``{"code": ..., "params": {...}}`` (``piiri.errors.coded``; ``{count:n}`` in a text shows a number with
the reader's separators, a list shows as 'a, b'). The texts are the gettext catalog
``contract/locale/<lang>/LC_MESSAGES/messages.po``; services/imports/tests/test_messages.py checks that
every code the service uses has a text in every language, with the same placeholders.
"""

import functools
from collections.abc import Mapping
from pathlib import Path

from babel.support import Translations

from piiri import catalogs
from piiri.errors import is_code

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("fi", "sv", "en")
PREFIX = "import."


@functools.cache
def translations(language: str) -> Translations:
    return catalogs.load(catalogs.catalog_path(LOCALE_DIR, language))


def codes() -> set[str]:
    """Every code the catalog has a text for (its English catalog's ids)."""
    return {str(key) for key in translations("en")._catalog if key}


def text(message: object, language: str = "fi") -> str:
    """``message`` (a code or a coded entry) in ``language`` ('fi', 'sv' or 'en'; another is Finnish).
    A list is its messages' texts one after another. A code this catalog does not have (the contacts
    service's finding on a row it refused), or a text stored before messages were codes, is returned as
    it is."""
    if isinstance(message, list | tuple):
        return " ".join(text(item, language) for item in message)
    params: Mapping[str, object] | None = None
    code = message
    if isinstance(message, Mapping) and "code" in message:
        code, params = message["code"], message.get("params")
    code = "" if code is None else str(code)
    if not is_code(code):
        return code
    found = str(translations(language if language in LANGUAGES else "fi").gettext(code))
    return catalogs.fill(found, params, language) if found != code else code
