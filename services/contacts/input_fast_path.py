"""``ContactInput().load`` without marshmallow, for the plain input bulk writes send (I1 imports).

``load_plain(raw)`` returns exactly what ``ContactInput().load(raw)`` returns when every key is one of
the contract's and every value is of the plain kind an import sends: texts (trimmed here, as the schema
does), ISO dates, real booleans, lists of entries, addresses and web addresses in their usual form.
For anything else it returns None and the caller loads with the schema, which also gives the errors.
The schema costs ~120 µs a contact, this ~15 µs: at thousands of contacts a second the difference is
most of an import's time in the contacts service. services/contacts/tests/test_input_fast_path.py checks
that the two agree on thousands of generated inputs, valid and broken.
"""

import re
from datetime import date

from marshmallow import ValidationError

from piiri import clock, einvoice
from piiri.email_phone import normalise_phone, simple_email
from services.contacts.contract import (
    ADDRESS_KINDS,
    EMAIL_KINDS,
    GENDERS,
    KINDS,
    LANGUAGES,
    MAX_LIST_ENTRIES,
    PHONE_KINDS,
    normalise_tags,
)

TEXT_LIMITS = {
    "first_name": 100,
    "preferred_name": 100,
    "last_name": 100,
    "organisation_name": 200,
    "street": 200,
    "postal_code": 20,
    "city": 100,
    "notes": 10000,
    "middle_name": 100,
    "title": 100,
    "honorific": 60,
}
ADDRESS_TEXT_LIMITS = {"street": 200, "postal_code": 20, "city": 100}
COUNTRY = re.compile(r"^[A-Z]{2}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PLAIN_URL = re.compile(
    r"^https?://(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(?:/[A-Za-z0-9._~/-]*)?$"
)
FIRST_BIRTH_DATE = date(1880, 1, 1)


class NotPlain(Exception):
    """The input needs the schema (to be repaired, or to be refused with its errors)."""


def load_plain(raw):
    """What ContactInput().load(raw) returns, or None when the schema must decide."""
    if not isinstance(raw, dict):
        return None
    try:
        return _load(raw)
    except NotPlain:
        return None


def _load(raw):
    values = {"kind": "person", "country": "FI", "language": "fi"}
    for key, value in raw.items():
        reader = READERS.get(key)
        if reader is None:
            raise NotPlain()
        values[key] = reader(value)
    return values


def _text(value, limit):
    """The schema's pre_load (trim, '' is no value) and Length(max)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise NotPlain()
    value = value.strip() or None
    if value is not None and len(value) > limit:
        raise NotPlain()
    return value


def _required(value, limit):
    value = _text(value, limit)
    if value is None:
        raise NotPlain()
    return value


def _choice(value, allowed, nullable=False):
    value = _text(value, 40)
    if value is None and nullable:
        return None
    if value not in allowed:
        raise NotPlain()
    return value


def _country(value):
    value = _required(value, 40).upper()
    if not COUNTRY.match(value):
        raise NotPlain()
    return value


def _email(value):
    value = _text(value, 254)
    if value is not None and not simple_email(value):
        raise NotPlain()
    return value


def _phone(value):
    value = _text(value, 40)
    if value is not None:
        try:
            normalise_phone(value)
        except ValidationError:
            raise NotPlain() from None
    return value


def _birth_date(value):
    value = _text(value, 10)
    if value is None:
        return None
    if not ISO_DATE.match(value):
        raise NotPlain()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise NotPlain() from None
    if not FIRST_BIRTH_DATE <= day <= clock.today():
        raise NotPlain()
    return day


def _website(value):
    value = _text(value, 300)
    if value is not None and not PLAIN_URL.match(value):
        raise NotPlain()
    return value


def _einvoice(valid):
    def read(value):
        value = _text(value, 4 * einvoice.MAX_LENGTH)
        if value is None:
            return None
        value = einvoice.compact(value)
        if not valid(value):
            raise NotPlain()
        return value

    return read


def _tags(value):
    if not isinstance(value, list):
        raise NotPlain()
    try:
        return normalise_tags(value)
    except ValidationError:
        raise NotPlain() from None


def _primary(entry):
    primary = entry.get("primary", False)
    if not isinstance(primary, bool):
        raise NotPlain()
    return primary


def _entries(value, read_entry, keys):
    if not isinstance(value, list) or len(value) > MAX_LIST_ENTRIES:
        raise NotPlain()
    entries = []
    for entry in value:
        if not isinstance(entry, dict) or not entry.keys() <= keys:
            raise NotPlain()
        entries.append(read_entry(entry))
    return entries


def _email_entry(entry):
    address = _required(entry.get("address"), 254)
    if not simple_email(address):
        raise NotPlain()
    kind = _choice(entry["kind"], EMAIL_KINDS) if "kind" in entry else "home"
    return {"address": address, "kind": kind, "primary": _primary(entry)}


def _phone_entry(entry):
    number = _required(entry.get("number"), 40)
    kind = _choice(entry["kind"], PHONE_KINDS) if "kind" in entry else "mobile"
    return {"number": number, "kind": kind, "primary": _primary(entry)}


def _address_entry(entry):
    loaded = {
        "kind": _choice(entry["kind"], ADDRESS_KINDS) if "kind" in entry else "home",
        "country": _country(entry["country"]) if "country" in entry else "FI",
        "primary": _primary(entry),
    }
    for key, limit in ADDRESS_TEXT_LIMITS.items():
        if key in entry:
            loaded[key] = _text(entry[key], limit)
    return loaded


def _custom(value):
    if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
        raise NotPlain()
    return dict(value)


READERS = {key: (lambda value, limit=limit: _text(value, limit)) for key, limit in TEXT_LIMITS.items()}
READERS.update(
    kind=lambda value: _choice(value, KINDS),
    country=_country,
    language=lambda value: _choice(value, LANGUAGES),
    gender=lambda value: _choice(value, GENDERS, nullable=True),
    email=_email,
    phone=_phone,
    birth_date=_birth_date,
    website=_website,
    einvoice_address=_einvoice(einvoice.valid_address),
    einvoice_operator=_einvoice(einvoice.valid_operator),
    tags=_tags,
    emails=lambda value: _entries(value, _email_entry, {"address", "kind", "primary"}),
    phones=lambda value: _entries(value, _phone_entry, {"number", "kind", "primary"}),
    addresses=lambda value: _entries(
        value, _address_entry, {"kind", "street", "postal_code", "city", "country", "primary"}
    ),
    custom=_custom,
)
