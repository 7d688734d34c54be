"""Text compared or sorted in Python as PostgreSQL does it: accent folding (``piiri_norm``) and the Finnish
collation of ``fi-x-icu`` for names (issue 13 item 3, C4): case and accents ignored except that Å, Ä, Ö
come after Z (in that order), Æ sorts as Ä, Ø as Ö and Ü as Y; V and W are separate letters."""

import unicodedata

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
