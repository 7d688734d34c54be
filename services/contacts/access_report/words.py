"""The words of the access-report PDF in Finnish, Swedish and English: the service's own gettext catalog
(``access_report/locale/<lang>/LC_MESSAGES/messages.po``), compiled in memory on first use.

The ids are the gateway's for the same things (``field.first_name``, ``action.contact.viewed``,
``gender.female``, ``exp.format.email_csv``), so a reader meets the same words in the PDF as on the pages;
``services/contacts/tests/test_access_report.py`` checks that every audit action and field label of the
gateway's catalogs is here too.
"""

import functools
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from services.contacts.access_report.contract import DEFAULT_LANGUAGE, LANGUAGES

LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"


@functools.cache
def translations(language: str) -> Translations:
    with open(catalog_path(language), "rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


class Translator:
    """``t = Translator("sv"); t("gdpr.pdf.page", page=2)``: the report's words in a language; an
    unknown language is Finnish, a missing id shows as itself."""

    def __init__(self, language: str | None) -> None:
        self.language = language if language in LANGUAGES else DEFAULT_LANGUAGE
        self.translations = translations(self.language)

    def has(self, key: str) -> bool:
        return key in self.translations._catalog

    def __call__(self, key: str, **values: object) -> str:
        text = self.translations.gettext(key)
        return text.format(**values) if values and text != key else text
