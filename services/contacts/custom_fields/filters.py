"""Search filters on custom values: ``custom.<key>=v`` (and ``__gte``/``__lte``), ``custom_text=words``.

Each is an EXISTS over the contact's values in active fields, compared on value_text (normalised,
so case- and accent-insensitive). A key that names no active field (unknown or removed) is refused
with "No custom field 'x'." wherever the search is given a session to check it (lists, advanced
expressions, saved searches).
"""

import re

from sqlalchemy import Text, and_, case, exists, func, literal, or_, select
from sqlalchemy.dialects.postgresql import NUMERIC

from piiri.errors import ValidationFailed
from services.contacts.custom_fields import rules
from services.contacts.custom_fields.storage import normalised
from services.contacts.filters import FilterSet
from services.contacts.models import contacts, custom_fields, custom_values
from services.contacts.search import like_pattern

OPERATORS = ("", "gte", "lte")
PLAIN_TYPES = ("text", "choice", "contact_link")


def _values_of_contact(*conditions, key=None):
    cv = custom_values.alias("cv")
    cf = custom_fields.alias("cf")
    query = (
        select(literal(1))
        .select_from(cv.join(cf, cf.c.id == cv.c.field_id))
        .where(cv.c.contact_id == contacts.c.id, cf.c.removed_at.is_(None))
    )
    if key is not None:
        query = query.where(cf.c.key == key)
    return query, cv, cf


def _refuse(name, message):
    raise ValidationFailed("A search filter is not valid.", {name: [message]})


def custom_value_filter(rest, value):
    """``custom.<key>``: equal to the value (a multi_choice: holds it); ``__gte``/``__lte``: ranges."""
    name = f"custom.{rest}"
    key, _, operator = rest.partition("__")
    if not rules.KEY_PATTERN.match(key):
        _refuse(name, "Not a custom field key.")
    if operator not in OPERATORS:
        _refuse(name, "Unknown operator: use custom.<key>, custom.<key>__gte or custom.<key>__lte.")
    if not isinstance(value, str):
        value = str(value)
    query, cv, cf = _values_of_contact(key=key)
    if operator:
        return exists(query.where(_range(name, operator, value, cv, cf)))
    return exists(query.where(_equality(value, cv, cf)))


def custom_key(name):
    """The field key of a ``custom.<key>[__op]`` filter name."""
    return name[len("custom.") :].partition("__")[0]


def unknown_custom_keys(session, names):
    """{name: ["No custom field 'x'."]} for the names whose key is no active custom field."""
    keys = {name: custom_key(name) for name in names}
    found = set(
        session.execute(
            select(custom_fields.c.key).where(
                custom_fields.c.key.in_(set(keys.values())), custom_fields.c.removed_at.is_(None)
            )
        ).scalars()
    )
    return {name: [f"No custom field '{key}'."] for name, key in keys.items() if key not in found}


def _equality(value, cv, cf):
    forms = rules.filter_texts(value)
    matches = [and_(cf.c.field_type.in_(PLAIN_TYPES), cv.c.value_text == normalised(forms["text"]))]
    matches.append(
        and_(
            cf.c.field_type == "multi_choice",
            cv.c.value_text.like(func.piiri_norm(like_pattern(forms["multi_choice"]))),
        )
    )
    for field_type in ("number", "date", "boolean"):
        if forms[field_type] is not None:
            matches.append(
                and_(cf.c.field_type == field_type, cv.c.value_text == normalised(forms[field_type]))
            )
    return or_(*matches)


def _range(name, operator, value, cv, cf):
    compare = (
        (lambda left, right: left >= right) if operator == "gte" else (lambda left, right: left <= right)
    )
    try:
        day = rules.parse_date(value)
    except rules.InvalidValue:
        day = None
    if day is not None:
        return and_(cf.c.field_type == "date", compare(cv.c.value_text, day))
    try:
        number = rules.parse_number(value)
    except rules.InvalidValue:
        _refuse(name, "Give a number (1234,5) or a date (d.m.yyyy or yyyy-mm-dd).")
    stored = case(
        (func.jsonb_typeof(cv.c.value) == "number", cv.c.value.cast(Text).cast(NUMERIC)),
        else_=None,
    )
    return and_(
        cf.c.field_type == "number", compare(stored, literal(rules.number_text(number)).cast(NUMERIC))
    )


def custom_text_filter(value):
    """Contacts whose text or choice custom values contain every word (case- and accent-insensitive)."""
    words = [word for word in re.split(r"\s+", str(value).strip()) if word][:8]
    conditions = []
    for word in words:
        query, cv, cf = _values_of_contact()
        conditions.append(
            exists(
                query.where(
                    cf.c.field_type.in_(rules.TEXT_SEARCH_TYPES),
                    cv.c.value_text.like(func.piiri_norm(like_pattern(word))),
                )
            )
        )
    return and_(*conditions) if conditions else literal(True)


# What this module adds to the contact search (registries.py lists it).
FILTERS = FilterSet(
    filters={"custom_text": custom_text_filter},
    families={"custom.": custom_value_filter},
    family_checks={"custom.": unknown_custom_keys},
)
