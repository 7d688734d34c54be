"""Pure rules of custom fields (C3): definitions, key slugs, and each type's validation and text form."""

import re
import uuid
from datetime import date
from decimal import Decimal, InvalidOperation

# The pure part the contract publishes, re-exported for the service's own modules as rules.X.
from piiri.errors import coded
from services.contacts.custom_fields.contract import (  # noqa: F401
    FIELD_TYPES,
    KEY_PATTERN,
    MAX_CHOICE_VALUE,
    MAX_CHOICES,
    STANDARD_FIELD_NAMES,
    InvalidValue,
    choice_label,
    choice_lines,
    clean_choices,
    display_value,
    key_errors,
    number_text,
    parse_choice_lines,
)

CHOICE_TYPES = ("choice", "multi_choice")
NO_UNIQUE_TYPES = ("boolean", "multi_choice")
RANGE_TYPES = ("number", "date")
TEXT_SEARCH_TYPES = ("text", "choice", "multi_choice")
MAX_TEXT = 2000
MAX_NUMBER = Decimal(10) ** 15  # larger numbers would not survive a round trip through a JSON float
TRUE_WORDS = ("true", "kyllä", "kylla", "yes", "1", "on", "k", "y")
FALSE_WORDS = ("false", "ei", "no", "0", "off", "e", "n")
FINNISH_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
NUMBER_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


# --- values ---------------------------------------------------------------------------------------


def clean_value(field, raw):
    """The value to store for ``raw`` in ``field`` (a definition dict), or None to clear it.

    Raises InvalidValue. A contact_link's target is checked to exist by storage, not here.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return CLEANERS[field["field_type"]](field, raw)


def _text(field, raw):
    if not isinstance(raw, str):
        raise InvalidValue("cf.err_text")
    value = raw.strip()
    if len(value) > MAX_TEXT:
        raise InvalidValue(coded("contact.too_long", max=MAX_TEXT))
    return value


def parse_number(raw):
    """A number given as a JSON number or as text ('1 234,5', '1234.5', '-3') -> int or float."""
    if isinstance(raw, bool):
        raise InvalidValue("cf.err_number")
    if isinstance(raw, int | float):
        number = Decimal(str(raw))
    elif isinstance(raw, str):
        text = re.sub(r"[\s\u00a0\u202f']", "", raw).replace("\u2212", "-")
        if "," in text and "." in text:
            raise InvalidValue("cf.err_number")
        text = text.replace(",", ".")
        if not NUMBER_TEXT.match(text):
            raise InvalidValue("cf.err_number")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise InvalidValue("cf.err_number") from None
    else:
        raise InvalidValue("cf.err_number")
    if not number.is_finite() or abs(number) >= MAX_NUMBER:
        raise InvalidValue("cf.err_number_range")
    return int(number) if number == number.to_integral_value() else float(number)


def _number(field, raw):
    return parse_number(raw)


def parse_date(raw):
    """An ISO date ('2024-02-01') or a Finnish one ('1.2.2024') -> the ISO text."""
    if isinstance(raw, date):
        return raw.isoformat()
    if not isinstance(raw, str):
        raise InvalidValue("cf.err_date")
    text = raw.strip()
    finnish = FINNISH_DATE.match(text)
    try:
        if finnish:
            day, month, year = (int(part) for part in finnish.groups())
            return date(year, month, day).isoformat()
        if re.match(r"^\d{4}-\d{2}-\d{2}$", text):
            return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    raise InvalidValue("cf.err_date")


def _date(field, raw):
    return parse_date(raw)


def parse_boolean(raw):
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        word = raw.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise InvalidValue("cf.err_boolean")


def _boolean(field, raw):
    return parse_boolean(raw)


def _choice_value(field, raw):
    """The choice whose value is ``raw`` (exactly, or ignoring case) -> its value as defined."""
    if not isinstance(raw, str):
        raise InvalidValue("cf.err_choice")
    wanted = raw.strip()
    values = [choice["value"] for choice in field.get("choices") or ()]
    if wanted in values:
        return wanted
    for value in values:
        if value.casefold() == wanted.casefold():
            return value
    raise InvalidValue(coded("cf.err_choice_of", choices=", ".join(values)))


def _multi_choice(field, raw):
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list | tuple):
        raise InvalidValue("cf.err_choice")
    given = [item for item in raw if not (isinstance(item, str) and not item.strip())]
    if len(given) > len(field.get("choices") or ()):  # limit first: no more picks than choices
        raise InvalidValue(coded("cf.err_too_many_choices", max=len(field.get("choices") or ())))
    picked = [_choice_value(field, item) for item in given]
    if len(set(picked)) != len(picked):
        raise InvalidValue("cf.err_choice_twice")
    if not picked:
        return None
    order = [choice["value"] for choice in field["choices"]]
    return sorted(picked, key=order.index)


def _contact_link(field, raw):
    try:
        return str(uuid.UUID(str(raw).strip()))
    except ValueError:
        raise InvalidValue("cf.err_contact") from None


CLEANERS = {
    "text": _text,
    "number": _number,
    "date": _date,
    "choice": _choice_value,
    "multi_choice": _multi_choice,
    "boolean": _boolean,
    "contact_link": _contact_link,
}


def value_text(field_type, value):
    """A stored value's text form; storage keeps piiri_norm() of it (its first 500 characters).

    Equality filters and unique checks compare these; a multi_choice is '|a|b|' so "contains a"
    is a match on '|a|'.
    """
    if field_type == "number":
        return number_text(value)
    if field_type == "boolean":
        return "true" if value else "false"
    if field_type == "multi_choice":
        return "|" + "|".join(value) + "|"
    return str(value)


def filter_texts(raw):
    """The text forms a filter value can have, by field type (None where it cannot be that type)."""
    raw = raw.strip()
    forms = {"text": raw, "choice": raw, "contact_link": raw, "multi_choice": f"|{raw}|"}
    for field_type, parse in (("number", parse_number), ("date", parse_date), ("boolean", parse_boolean)):
        try:
            forms[field_type] = value_text(field_type, parse(raw))
        except InvalidValue:
            forms[field_type] = None
    return forms


# --- definitions ----------------------------------------------------------------------------------


def slug_for(label):
    """A key proposed from a label: 'Jäsenlaji 2' -> 'jasenlaji_2'."""
    import unicodedata

    text = unicodedata.normalize("NFKD", label or "").encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    if not text or not text[0].isalpha():
        text = "field_" + text
    return text[:60].rstrip("_")


def definition_errors(definition):
    """Rules on a whole definition (after the schema checked each attribute): {attribute: [messages]}."""
    errors = {}
    field_type = definition.get("field_type")
    choices = definition.get("choices") or []
    if field_type in CHOICE_TYPES and not choices:
        errors["choices"] = ["cf.err_choices_needed"]
    if field_type not in CHOICE_TYPES and choices:
        errors["choices"] = ["cf.err_choices_not_here"]
    if definition.get("unique_values") and field_type in NO_UNIQUE_TYPES:
        errors["unique_values"] = [coded("cf.err_unique_type", type=field_type)]
    return errors
