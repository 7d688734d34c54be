"""Gettext catalogs as every part of Piiri reads them: a ``messages.po`` file as babel ``Translations``
(its compiled ``messages.mo`` when that is newer, otherwise compiled in memory, so a fresh clone needs
no build step), and a message's text filled with its values in the reader's language.

Users: the gateway's catalogs per area (gateway/i18n.py), the access-report words of the contacts
service, and the imports contract's cell, row and file messages (services/imports/contract/messages.py).
"""

import io
import string
from collections.abc import Mapping
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from piiri.formatting import format_number

DOMAIN = "messages"


def catalog_path(locale_dir: Path | str, language: str, suffix: str = ".po") -> Path:
    """``<locale_dir>/<language>/LC_MESSAGES/messages.po`` (or ``.mo``)."""
    return Path(locale_dir) / language / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


def load(po_path: Path) -> Translations:
    """One catalog: the compiled .mo when it is current, else the .po compiled in memory (empty and fuzzy
    messages left out, as ``pybabel compile`` does)."""
    mo_path = po_path.with_suffix(".mo")
    if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        with open(mo_path, "rb") as handle:
            return Translations(handle, domain=DOMAIN)
    with open(po_path, "rb") as handle:
        catalog = read_po(handle, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


class _Values(dict[str, object]):
    """Placeholder values: one the caller did not give shows as ``{name}`` instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class _Formatter(string.Formatter):
    """``{count:n}`` is a number with the reader's separators ('1 048 576' in Finnish, '1,048,576' in
    English); a list shows as 'a, b, c'."""

    def __init__(self, language: str | None) -> None:
        self.language = language

    def format_field(self, value: object, format_spec: str) -> str:
        if format_spec == "n" and isinstance(value, int | float) and not isinstance(value, bool):
            return format_number(value, self.language)
        if isinstance(value, list | tuple):
            value = ", ".join(str(item) for item in value)
        return str(super().format_field(value, "" if format_spec == "n" else format_spec))


def fill(text: str, values: Mapping[str, object] | None, language: str | None) -> str:
    """``text`` with its ``{name}`` placeholders filled by ``values`` (``{name:n}``: as a number)."""
    if not values:
        return text
    return _Formatter(language).vformat(text, (), _Values(values))
