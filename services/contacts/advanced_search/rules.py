"""Pure rules of advanced search (C4): parsing filter values (dates, ages, booleans) and the sorts."""

import re
from datetime import date, timedelta

from marshmallow import ValidationError

from piiri import clock
from piiri.errors import ValidationFailed, coded
from services.contacts.advanced_search.contract import DIRECTIONS, SORTS
from services.contacts.validation.contract import invalid

FINNISH_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def parse_date(name, value):
    """An ISO (2026-11-25) or Finnish (25.11.2026) date; a ValidationFailed keyed by ``name`` otherwise."""
    text = str(value).strip()
    try:
        match = FINNISH_DATE.match(text)
        if match:
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed("as.err_date", {name: ["as.err_date"]}, {"name": name}) from None


def parse_age(name, value):
    text = str(value).strip()
    if not text.isdigit() or int(text) > 150:
        raise ValidationFailed("as.err_age", {name: ["as.err_age"]}, {"name": name})
    return int(text)


def parse_bool(name, value):
    text = str(value).strip().lower()
    if text not in ("true", "false"):
        raise ValidationFailed(f"{name} must be true or false.", {name: ["contact.boolean_invalid"]})
    return text == "true"


def years_before(day, years):
    """The same calendar day ``years`` earlier (29 February -> 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def born_on_or_before_for_age_min(age, today):
    """Someone at least ``age`` years old today was born on or before this day."""
    return years_before(today, age)


def born_after_for_age_max(age, today):
    """Someone at most ``age`` years old today was born after this day."""
    return years_before(today, age + 1)


def day_start(day):
    """The first instant of a day in the organisation's time zone, for created/changed date ranges."""
    return clock.start_of_day(day)


def next_day_start(day):
    return day_start(day + timedelta(days=1))


def checked_sort(sort, direction):
    sort = sort or "name"
    direction = (direction or "asc").lower()
    errors = {}
    if sort not in SORTS:
        errors["sort"] = [coded("as.err_sort", choices=", ".join(SORTS))]
    if direction not in DIRECTIONS:
        errors["direction"] = ["contact.sort_direction"]
    if errors:
        raise ValidationFailed("The sort is not valid.", errors)
    return sort, direction


def load_input(schema, data):
    """The search arguments through ``schema``; a ValidationFailed names every bad field."""
    if not isinstance(data, dict):
        raise ValidationFailed("contact.not_object", {"_schema": ["contact.not_object"]})
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise invalid(exc.normalized_messages()) from None
