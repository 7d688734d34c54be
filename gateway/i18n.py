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
import io
import logging
import string
from collections.abc import Mapping
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from piiri import formatting
from piiri.errors import is_code

log = logging.getLogger(__name__)

LANGUAGES = ("fi", "sv", "en")
DEFAULT_LANGUAGE = "fi"
FALLBACK_LANGUAGE = "en"  # a message missing in a language (a test forbids it) shows in English
LANGUAGE_COOKIE = "piiri_lang"
DOMAIN = "messages"
GATEWAY_DIR = Path(__file__).resolve().parent


def locale_dirs():
    """Every catalog folder of the gateway: the shared ``gateway/locale`` and each area's."""
    shared = GATEWAY_DIR / "locale"
    return [shared, *sorted(path for path in GATEWAY_DIR.glob("*/locale") if path != shared)]


def catalog_path(locale_dir, language, suffix=".po"):
    return Path(locale_dir) / language / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


def _load_one(po_path):
    """One area's catalog as Translations: the compiled .mo when it is current, else the .po compiled."""
    mo_path = po_path.with_suffix(".mo")
    if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        with open(mo_path, "rb") as handle:
            return Translations(handle, domain=DOMAIN)
    with open(po_path, "rb") as handle:
        catalog = read_po(handle, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # empty and fuzzy messages are left out, as pybabel compile does
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@functools.cache
def translations(language):
    """All areas' catalogs of one language merged; ids missing there fall back to English."""
    merged = Translations(domain=DOMAIN)
    for locale_dir in locale_dirs():
        po_path = catalog_path(locale_dir, language)
        if po_path.exists():
            merged.merge(_load_one(po_path))
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


class _Values(dict):
    """Placeholder values: one the caller did not give shows as ``{name}`` instead of failing."""

    def __missing__(self, key):
        return "{" + key + "}"


_FORMATTER = string.Formatter()


class Translator:
    """``t = Translator("sv"); t("login.title")``; a missing id shows as itself, never as an error."""

    def __init__(self, language):
        self.language = pick_language(language)
        self.translations = translations(self.language)

    def __call__(self, key, **values):
        text = self.translations.gettext(key)
        if values and text != key:
            return _FORMATTER.vformat(text, (), _Values(values))
        return text

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
