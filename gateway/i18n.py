"""The web UI's words: gettext catalogs per area, in Finnish (the default), Swedish and English.

Each area of the gateway keeps its texts in ``gateway/<area>/locale/<lang>/LC_MESSAGES/messages.po``
(the shared ones, such as the header and the error pages, in ``gateway/locale/``); a message id is a
dotted key (``groups.title``) and a text may have ``{name}`` placeholders filled by ``t(key, name=...)``.
The catalogs of every area are merged per language into one ``babel.support.Translations`` the first
time a language is used, from the compiled ``messages.mo`` when it is newer than its ``.po`` (``make
messages`` writes them), otherwise compiled from the ``.po`` in memory, so a fresh clone needs no build
step. ``make messages`` extracts the ids used in code and templates, adds new ones to the catalogs and
compiles them (``scripts/messages.py``); ``gateway/tests/test_catalogs.py`` fails on a missing, empty or
fuzzy message.

A service's error is a code (piiri.errors) whose message id is the code itself.
"""

import functools
import logging
from collections.abc import Mapping
from pathlib import Path

from babel.support import Translations

from piiri import catalogs, formatting
from piiri.catalogs import DOMAIN, catalog_path
from piiri.errors import is_code
from services.imports.contract import messages as imports_messages

log = logging.getLogger(__name__)

LANGUAGES = ("fi", "sv", "en")
DEFAULT_LANGUAGE = "fi"
FALLBACK_LANGUAGE = "en"  # a message missing in a language (a test forbids it) shows in English
LANGUAGE_COOKIE = "piiri_lang"
GATEWAY_DIR = Path(__file__).resolve().parent


def locale_dirs():
    """Every catalog folder of the gateway: the shared ``gateway/locale`` and each area's."""
    shared = GATEWAY_DIR / "locale"
    return [shared, *sorted(path for path in GATEWAY_DIR.glob("*/locale") if path != shared)]


def service_locale_dirs():
    """The catalogs of services' contracts whose coded messages the gateway shows: the imports
    service's cell, row and file messages (it words its own error report with the same catalog)."""
    return [imports_messages.LOCALE_DIR]


@functools.cache
def translations(language):
    """All areas' catalogs of one language merged, with the services' contract catalogs; ids missing
    there fall back to English."""
    merged = Translations(domain=DOMAIN)
    for locale_dir in [*locale_dirs(), *service_locale_dirs()]:
        po_path = catalog_path(locale_dir, language)
        if po_path.exists():
            merged.merge(catalogs.load(po_path))
    if language != FALLBACK_LANGUAGE:
        merged.add_fallback(translations(FALLBACK_LANGUAGE))
    return merged


def messages(language):
    """One language's own messages, {id: text} (without the English fallback): for checks and tests."""
    own = dict(translations(language)._catalog)
    own.pop("", None)  # the catalog header
    return own


def pick_language(value):
    """The language to use for a cookie value: a supported code, otherwise the default."""
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def request_language(request, default=DEFAULT_LANGUAGE):
    """The language of a request: the user's choice (the language cookie), else the best of the
    browser's Accept-Language that Piiri speaks, else ``default``."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or default


class Translator:
    """``t = Translator("sv"); t("login.title")``; a missing id shows as itself, never as an error."""

    def __init__(self, language):
        self.language = pick_language(language)
        self.translations = translations(self.language)

    def __call__(self, key, **values):
        text = self.translations.gettext(key)
        return catalogs.fill(text, values, self.language) if text != key else text

    def has(self, key):
        """Whether the catalogs have ``key`` (in this language or, failing that, in English)."""
        return key in self.translations._catalog or key in translations(FALLBACK_LANGUAGE)._catalog

    def service_message(self, message, params=None):
        """A service's message in the user's language: a code (``contact.email_invalid``, piiri.errors)
        or a ``{"code": ..., "params": {...}}`` entry through the catalogs; anything else as sent."""
        if isinstance(message, Mapping) and "code" in message:
            message, params = message["code"], message.get("params")
        message = str(message)
        if is_code(message):
            return self(message, **(params or {})) if self.has(message) else message
        return message

    def action(self, action):
        key = f"action.{action}"
        return self(key) if self.has(key) else action


def format_number(n, language):
    """12345 -> '12 345' in Finnish and Swedish, '12,345' in English (Babel, piiri.formatting)."""
    return formatting.format_number(int(n), language)
