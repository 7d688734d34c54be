"""Text compared or sorted as PostgreSQL does it: accent folding (``piiri_norm``) and the Finnish
collation for names (issue 13 item 3, C4): case and accents ignored except that Å, Ä, Ö come after Z (in
that order), Æ sorts as Ä, Ø as Ö and Ü as Y; V and W are separate letters.

In SQL every name-ordered list sorts ``COLLATE "fi-x-icu"`` (``finnish(column)``). PostgreSQL built with
ICU (Debian's and the official images are) has that collation in every database from initdb;
``ensure_finnish_collation`` (run by ``piiri migrate`` before a database's migrations) makes one of that
name where it is missing: ICU's ``fi`` if the server has ICU, else the system's ``fi_FI`` locale, else,
as a last resort, the byte order (names still sort, Å/Ä/Ö after Z but not in Finnish order), saying so."""

import logging
import unicodedata
from typing import Any

log = logging.getLogger(__name__)

FINNISH = "fi-x-icu"

_AFTER_Z = {"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}", "ü": "y"}


def unaccented_lower(text: str) -> str:
    """Lower case without accents: PostgreSQL's ``piiri_norm`` in Python (Äijälä → aijala)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def finnish_key(text: str | None) -> tuple[str, str]:
    """A sort key placing ``text`` in Finnish alphabetical order (ties: the text itself)."""
    folded = []
    for char in (text or "").casefold():
        if char in _AFTER_Z:
            folded.append(_AFTER_Z[char])
            continue
        base = unicodedata.normalize("NFD", char)
        folded.append("".join(part for part in base if not unicodedata.combining(part)))
    return ("".join(folded), text or "")


def finnish(expression: Any) -> Any:
    """A SQLAlchemy text expression compared and sorted in Finnish order (ORDER BY, keyset bounds)."""
    return expression.collate(FINNISH)


# Where "fi-x-icu" is missing: what to make it from, best first (ICU's Finnish; the system's fi_FI locale
# under the spellings glibc and other systems use; PostgreSQL's byte order).
FALLBACKS = (
    "(provider = icu, locale = 'fi')",
    "(provider = libc, locale = 'fi_FI.utf8')",
    "(provider = libc, locale = 'fi_FI.UTF-8')",
    "(provider = libc, locale = 'C')",
)


def ensure_finnish_collation(conn: Any) -> str | None:
    """Make the collation ``fi-x-icu`` in the database of ``conn`` (a psycopg connection in autocommit)
    when it has none; returns the definition used, or None when it was there."""
    found = conn.execute("SELECT 1 FROM pg_collation WHERE collname = %s", (FINNISH,)).fetchone()
    if found:
        return None
    for definition in FALLBACKS:
        try:
            conn.execute(f'CREATE COLLATION IF NOT EXISTS public."{FINNISH}" {definition}')
        except Exception as exc:  # noqa: BLE001 (psycopg.Error: this server cannot make this one)
            log.info("collation %s %s: %s", FINNISH, definition, exc)
            continue
        if definition == FALLBACKS[-1]:
            log.warning(
                "PostgreSQL has neither ICU nor a fi_FI locale: names sort in byte order, not in Finnish "
                "order (install PostgreSQL with ICU, or generate the fi_FI.UTF-8 locale and migrate again)"
            )
        return definition
    raise RuntimeError(f'Could not create the collation "{FINNISH}"')
