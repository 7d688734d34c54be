"""The words of the access-report PDF in Finnish, Swedish and English: the service's own gettext catalog
(``access_report/locale/<lang>/LC_MESSAGES/messages.po``), compiled in memory on first use.

The ids are the gateway's for the same things (``field.first_name``, ``action.contact.viewed``,
``gender.female``, ``exp.format.email_csv``), so a reader meets the same words in the PDF as on the pages;
``services/contacts/tests/test_access_report.py`` checks that every audit action and field label of the
gateway's catalogs is here too.
"""

import functools
from pathlib import Path

from babel.support import Translations

from piiri import catalogs
from services.contacts.access_report.contract import DEFAULT_LANGUAGE, LANGUAGES

LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def catalog_path(language: str) -> Path:
    return catalogs.catalog_path(LOCALE_DIR, language)


@functools.cache
def translations(language: str) -> Translations:
    return catalogs.load(catalog_path(language))


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
        return catalogs.fill(text, values, self.language) if text != key else text
