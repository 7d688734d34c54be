"""Finding an erased person's values where no contact id names them (G4, issue 19): keyed digests.

An upload nobody committed yet, a row refused before it reached the contacts service, a file name or a
job's error text can hold a person's values without naming their contact id. The contacts service
deletes the person at once, so the other services cannot ask for the values later, and the erasure
request must not carry them (it waits in a queue, may be dead-lettered, and stays on the erasure
record for retries). It carries instead ``match_keys``: HMAC-SHA256 digests (a key derived from the
first of ``CONTEXT_KEYS``) of

- ``emails``: each of the person's e-mail addresses, lower case;
- ``phones``: each phone number's last nine digits (the national number without 0 or +358);
- ``names``: per way of naming the person (first or preferred or alternative first name with the last
  or an alternative last name), the digests of its words: all of them in one row name the person;
- ``words``: the person's search words that no other contact has (the words the contacts service's
  vocabulary forgot with them): on their own they point at the person.

A service hashes what it holds the same way (``Matcher``) and compares digests; it never learns the
values. Every configured key is tried, so a key rotated between the request and the erasure still
matches. ``Matcher.matches`` says whether a row (cells, any JSON) holds the person: an e-mail, a phone or
a whole name of theirs; ``Matcher.redacted`` replaces those and the person's own words in a text (a file
name, an error message) by ``[erased]``.
"""

import hashlib
import hmac
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from piiri.collation import unaccented_lower
from piiri.signing import context_keys

ERASED = "[erased]"
PURPOSE = b"piiri.erasure.match_keys"
LETTERS = re.compile(r"[^\W\d_]+")
EMAIL = re.compile(r"[^\s;,<>()\[\]\"'@]+@[^\s;,<>()\[\]\"'@]+\.[^\W_]{2,}")
PHONE = re.compile(r"\+?\d[\d \-()/.]{5,}\d")
PHONE_DIGITS = 9
KINDS = ("emails", "phones", "names", "words")


def _derived(key: str) -> bytes:
    return hmac.new(key.encode(), PURPOSE, hashlib.sha256).digest()


def _digest(secret: bytes, kind: str, token: str) -> str:
    return hmac.new(secret, f"{kind}:{token}".encode(), hashlib.sha256).hexdigest()[:32]


def phone_token(text: str) -> str | None:
    """The last nine digits of a phone number written any way (None: too short to be one)."""
    digits = "".join(char for char in text if char.isdigit())
    return digits[-PHONE_DIGITS:] if len(digits) >= 7 else None


def words_of(text: str | None) -> list[str]:
    """The words of ``text``, lower case without accents (as the search vocabulary has them)."""
    return [unaccented_lower(word) for word in LETTERS.findall(text or "")]


def match_keys(
    emails: Iterable[str | None],
    phones: Iterable[str | None],
    names: Iterable[str],
    words: Iterable[str],
    config: Mapping[str, object] | None = None,
) -> dict[str, list[Any]]:
    """The digests an erasure request carries (see the module docstring); ``names`` are whole names
    ("Maija Virtanen"), ``words`` the person's own search words."""
    secret = _derived(context_keys(config)[0])
    name_keys = {
        tuple(sorted({_digest(secret, "w", word) for word in words_of(name)}))
        for name in names
        if len(words_of(name)) >= 2
    }
    return {
        "emails": sorted({_digest(secret, "e", email.strip().lower()) for email in emails if email}),
        "phones": sorted(
            {_digest(secret, "p", token) for phone in phones if phone and (token := phone_token(phone))}
        ),
        "names": [list(name) for name in sorted(name_keys)],
        "words": sorted({_digest(secret, "w", unaccented_lower(word)) for word in words if word}),
    }


def texts_of(value: object) -> Iterator[str]:
    """Every string in a JSON-like value (dict keys too), numbers as text."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield str(key)
            yield from texts_of(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from texts_of(item)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield str(value)


class Matcher:
    """Compares what a service holds with a request's ``match_keys`` (every configured key tried)."""

    def __init__(self, keys: Mapping[str, Any], config: Mapping[str, object] | None = None) -> None:
        self.secrets = [_derived(key) for key in context_keys(config)]
        self.emails = set(keys.get("emails") or ())
        self.phones = set(keys.get("phones") or ())
        self.words = set(keys.get("words") or ())
        self.names = [set(name) for name in keys.get("names") or () if name]
        self.cache: dict[tuple[str, str], set[str]] = {}

    def __bool__(self) -> bool:
        return bool(self.emails or self.phones or self.words or self.names)

    def _digests(self, kind: str, token: str) -> set[str]:
        found = self.cache.get((kind, token))
        if found is None:
            found = self.cache[(kind, token)] = {_digest(secret, kind, token) for secret in self.secrets}
        return found

    def _email(self, text: str) -> bool:
        return bool(self._digests("e", text.strip().lower()) & self.emails)

    def _phone(self, text: str) -> bool:
        token = phone_token(text)
        return token is not None and bool(self._digests("p", token) & self.phones)

    def _word_digests(self, texts: Sequence[str]) -> set[str]:
        return {digest for text in texts for word in words_of(text) for digest in self._digests("w", word)}

    def matches(self, row: object) -> bool:
        """Does ``row`` (a row's cells, or any JSON value) hold one of the person's e-mails or phones,
        or every word of one of their names?"""
        texts = list(texts_of(row))
        for text in texts:
            if any(self._email(email) for email in EMAIL.findall(text)):
                return True
            if any(self._phone(phone) for phone in PHONE.findall(text)):
                return True
        if self.names:
            held = self._word_digests(texts)
            return any(name <= held for name in self.names)
        return False

    def redacted(self, text: str) -> str:
        """``text`` with the person's e-mails and phones, their own words and, where a whole name of
        theirs is in it, that name's words replaced by ``[erased]``."""
        text = EMAIL.sub(lambda m: ERASED if self._email(m.group(0)) else m.group(0), text)
        text = PHONE.sub(lambda m: ERASED if self._phone(m.group(0)) else m.group(0), text)
        held = self._word_digests([text])
        gone = set(self.words)
        for name in self.names:
            if name <= held:
                gone |= name

        def word(match: re.Match[str]) -> str:
            return ERASED if self._digests("w", unaccented_lower(match.group(0))) & gone else match.group(0)

        return LETTERS.sub(word, text)

    def redacted_value(self, value: Any) -> Any:
        """``redacted`` applied to every string (and dict key) of a JSON-like value."""
        if isinstance(value, str):
            return self.redacted(value)
        if isinstance(value, Mapping):
            return {self.redacted(str(key)): self.redacted_value(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.redacted_value(item) for item in value]
        return value
