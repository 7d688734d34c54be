"""Reading one import cell as a typed value (I1), pure and fast: dates, numbers, yes/no, e-mails,
phones, choices, countries and languages as people write them in Finnish, Swedish and English.

Each reader takes the raw cell (str from CSV; str, int, float, bool, date or datetime from .xlsx) and
returns the value to store or raises CellError with a message code (contract/messages.py words it).
"""

import re
from datetime import date, datetime, timedelta
from functools import lru_cache

from marshmallow import ValidationError

from piiri import clock, einvoice
from piiri.email_phone import check_email_address, normalise_phone
from piiri.errors import coded
from services.contacts.contract import normalise_website

EXCEL_EPOCH = date(1899, 12, 30)
FINNISH_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})\.?(?:\s+\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?$")
ISO_DATE = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")  # d/m/yyyy (never US m/d: refused if ambiguous)
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
NUMBER_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
TRUE_WORDS = frozenset(("true", "kyllä", "kylla", "k", "yes", "y", "ja", "j", "x", "1", "on", "tosi", "✓"))
FALSE_WORDS = frozenset(("false", "ei", "e", "no", "n", "nej", "0", "off", "-", "epätosi"))
COUNTRIES = {  # country names in Finnish, Swedish and English -> ISO code
    "suomi": "FI", "finland": "FI", "ruotsi": "SE", "sverige": "SE", "sweden": "SE", "norja": "NO",
    "norge": "NO", "norway": "NO", "tanska": "DK", "danmark": "DK", "denmark": "DK", "viro": "EE",
    "eesti": "EE", "estonia": "EE", "saksa": "DE", "tyskland": "DE", "germany": "DE", "deutschland": "DE",
    "venäjä": "RU", "ryssland": "RU", "russia": "RU", "islanti": "IS", "iceland": "IS", "island": "IS",
    "ranska": "FR", "france": "FR", "frankrike": "FR", "espanja": "ES", "spain": "ES", "spanien": "ES",
    "yhdysvallat": "US", "usa": "US", "united states": "US", "iso-britannia": "GB", "united kingdom": "GB",
    "uk": "GB", "storbritannien": "GB", "alankomaat": "NL", "netherlands": "NL", "nederländerna": "NL",
    "latvia": "LV", "liettua": "LT", "lithuania": "LT", "puola": "PL", "poland": "PL",
}  # fmt: skip
LANGUAGE_NAMES = {  # language names -> the contract's codes
    "suomi": "fi", "finnish": "fi", "finska": "fi", "ruotsi": "sv", "swedish": "sv", "svenska": "sv",
    "englanti": "en", "english": "en", "engelska": "en", "venäjä": "ru", "russian": "ru", "ryska": "ru",
    "viro": "et", "eesti": "et", "estonian": "et", "saksa": "de", "german": "de", "deutsch": "de",
    "tyska": "de", "ranska": "fr", "french": "fr", "franska": "fr", "espanja": "es", "spanish": "es",
    "ukraina": "uk", "ukrainian": "uk", "somali": "so", "arabia": "ar", "arabic": "ar",
}  # fmt: skip
GENDER_NAMES = {  # -> the contract's genders
    "female": "female", "f": "female", "nainen": "female", "n": "female", "kvinna": "female",
    "woman": "female", "male": "male", "m": "male", "mies": "male", "man": "male", "other": "other",
    "muu": "other", "o": "other", "annan": "other",
}  # fmt: skip
KIND_NAMES = {  # -> the contract's kinds
    "person": "person", "henkilö": "person", "henkilo": "person", "individual": "person", "h": "person",
    "organisation": "organisation", "organization": "organisation", "organisaatio": "organisation",
    "yhteisö": "organisation", "yritys": "organisation", "company": "organisation", "org": "organisation",
    "företag": "organisation", "o": "organisation",
}  # fmt: skip


class CellError(ValueError):
    """A cell that cannot be read as its field's type: a message code (``import.cell.not_date``) and
    the values its text shows."""

    def __init__(self, code, **params):
        super().__init__(code)
        self.code = code
        self.params = params

    @property
    def entry(self):
        """What a row's errors store for the cell: the code, or ``{"code", "params"}`` (piiri.errors)."""
        return coded(self.code, **self.params) if self.params else self.code


def text(raw):
    """Any cell as trimmed text, or None when empty (numbers without a needless '.0')."""
    if raw is None:
        return None
    if isinstance(raw, str):
        value = raw.strip()
        return value or None
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat(sep=" ")
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw)


def two_digit_year(year, today=None):
    """'85' -> 1985, '07' -> 2007: a year not after this year in this century, else the last one."""
    this_year = (today or clock.today()).year
    century = this_year // 100 * 100
    return century + year if century + year <= this_year else century - 100 + year


def parse_date(raw, today=None):
    """A date cell -> date: a date(time) cell, an Excel serial number, ISO 2024-02-01, Finnish 1.2.2024,
    01.02.2024 or 1.2.24, 1/2/2024 (day first) or 20240201."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, bool):
        raise CellError("import.cell.not_date")
    if isinstance(raw, int | float):
        return _serial(raw)
    value = raw.strip()
    try:
        match = FINNISH_DATE.match(value)
        if match:
            day, month, year = (int(part) for part in match.groups())
            if len(match.group(3)) == 2:
                year = two_digit_year(year, today)
            return date(year, month, day)
        match = ISO_DATE.match(value) or COMPACT_DATE.match(value)
        if match:
            year, month, day = (int(part) for part in match.groups())
            return date(year, month, day)
        match = SLASH_DATE.match(value)
        if match:
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
        if value.isdigit() and len(value) <= 6:
            return _serial(int(value))
    except ValueError:
        raise CellError("import.cell.no_such_date", value=value) from None
    raise CellError("import.cell.not_date")


def _serial(number):
    """An Excel serial day number (1 = 1900-01-01) -> date; 1800-2200 is taken for a year, refused."""
    if 1800 <= number <= 2200:
        raise CellError("import.cell.year_alone")
    if not 1 <= number < 2958466:
        raise CellError("import.cell.not_date")
    return EXCEL_EPOCH + timedelta(days=int(number))


def parse_number(raw):
    """1234 / 1234.5 cells, or text '1 234,5', '1234.5', '-3' -> int or float."""
    if isinstance(raw, bool):
        raise CellError("import.cell.not_number")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else raw
    value = re.sub(r"[\s\u00a0\u202f']", "", str(raw)).replace("\u2212", "-")
    if "," in value and "." in value:
        raise CellError("import.cell.number_separators")
    value = value.replace(",", ".")
    if not NUMBER_TEXT.match(value):
        raise CellError("import.cell.not_number")
    number = float(value)
    if abs(number) >= 1e15:
        raise CellError("import.cell.number_range")
    return int(number) if "." not in value or number.is_integer() else number


def parse_boolean(raw):
    """kyllä/ei, x, 1/0, true/false, yes/no, ja/nej and true/false cells -> bool."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    word = str(raw).strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError("import.cell.not_yes_no")


def parse_email(raw):
    value = text(raw)
    try:
        check_email_address(value)
    except ValidationError:
        raise CellError("import.cell.email_invalid", value=value) from None
    return value


@lru_cache(maxsize=4096)
def _phone(value, region):
    try:
        return normalise_phone(value, region)
    except ValidationError:
        return None


def parse_phone(raw, region="FI"):
    """Any way people write a phone number -> E.164 ('+358401234567'); a number cell is read as digits
    that lost their leading zero ('401234567')."""
    value = text(raw)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        value = "+" + value if value.startswith("358") and len(value) >= 11 else "0" + value
    number = _phone(value, region)
    if number is None:
        raise CellError("import.cell.phone_invalid", value=value)
    return number


def parse_postal_code(raw, country="FI"):
    """A postal code; a number cell that lost its leading zeros (100) is padded back ('00100') in
    Finland; a Finnish code must have five digits."""
    value = text(raw)
    if country == "FI":
        if isinstance(raw, int | float) and not isinstance(raw, bool) and 0 <= raw < 100000:
            value = f"{int(raw):05d}"
        if not (len(value) == 5 and value.isdigit()):
            raise CellError("import.cell.postal_code_fi")
    elif len(value) > 20:
        raise CellError("import.cell.too_long", count=20)
    return value


def parse_country(raw):
    value = text(raw)
    code = COUNTRIES.get(value.casefold())
    if code:
        return code
    if len(value) == 2 and value.isalpha() and value.isascii():
        return value.upper()
    raise CellError("import.cell.country")


def parse_language(raw, languages):
    value = text(raw).casefold()
    code = LANGUAGE_NAMES.get(value, value)
    if code in languages:
        return code
    raise CellError("import.cell.language", codes=list(languages))


def parse_gender(raw):
    value = GENDER_NAMES.get(text(raw).casefold())
    if value is None:
        raise CellError("import.cell.gender")
    return value


def parse_kind(raw):
    value = KIND_NAMES.get(text(raw).casefold())
    if value is None:
        raise CellError("import.cell.kind")
    return value


@lru_cache(maxsize=1024)
def _website(value):
    try:
        return normalise_website(value)
    except ValidationError:
        return None


def parse_einvoice_address(raw):
    """An e-invoice address (OVT code or IBAN), compact (piiri/einvoice.py: the contacts' own rule)."""
    value = einvoice.compact(text(raw))
    if not einvoice.valid_address(value):
        raise CellError("import.cell.einvoice_address")
    return value


def parse_einvoice_operator(raw):
    """An e-invoice operator's code, compact."""
    value = einvoice.compact(text(raw))
    if not einvoice.valid_operator(value):
        raise CellError("import.cell.einvoice_operator")
    return value


def parse_website(raw):
    website = _website(text(raw))
    if website is None:
        raise CellError("import.cell.url")
    return website


def split_list(raw, separators=";\n"):
    """A cell holding several values ('a@x.fi; b@y.fi' or one a line) -> the non-empty values."""
    value = text(raw)
    if value is None:
        return []
    return [part.strip() for part in re.split(f"[{re.escape(separators)}]", value) if part.strip()]


def choice_index(choices):
    """{casefolded value or label: value} of a custom field's choices."""
    index = {}
    for choice in choices or ():
        for name in (choice.get("label_en"), choice.get("label_fi"), choice["value"]):
            if name:
                index[name.strip().casefold()] = choice["value"]
    return index


def parse_choice(raw, index):
    value = text(raw)
    found = index.get(value.casefold())
    if found is None:
        raise CellError("import.cell.choice", value=value, choices=sorted(set(index.values()))[:10])
    return found


def parse_multi_choice(raw, index, order):
    """'a, b' or 'a; b' (values or labels) -> the choices' values in the field's order."""
    value = text(raw)
    if value.casefold() in index:
        return [index[value.casefold()]]
    picked = []
    for part in split_list(value, ";,\n"):
        found = index.get(part.casefold())
        if found is None:
            raise CellError("import.cell.choice_part", value=part)
        if found not in picked:
            picked.append(found)
    return sorted(picked, key=order.index)
