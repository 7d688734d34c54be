"""Search filters of advanced search (C4): age and birth-date ranges, e-mail, created/changed dates,
kind and city, registered in the filters.py registry (so GET /api/v1/contacts takes them too)."""

from sqlalchemy import and_, func, or_

from piiri import clock
from piiri.errors import ValidationFailed
from services.contacts.advanced_search import rules
from services.contacts.filters import search_filter
from services.contacts.models import contacts


@search_filter("age_min")
def age_min(value):
    """People at least this many years old today."""
    age = rules.parse_age("age_min", value)
    return contacts.c.birth_date <= rules.born_on_or_before_for_age_min(age, clock.today())


@search_filter("age_max")
def age_max(value):
    """People at most this many years old today."""
    age = rules.parse_age("age_max", value)
    return contacts.c.birth_date > rules.born_after_for_age_max(age, clock.today())


@search_filter("born_from")
def born_from(value):
    return contacts.c.birth_date >= rules.parse_date("born_from", value)


@search_filter("born_to")
def born_to(value):
    return contacts.c.birth_date <= rules.parse_date("born_to", value)


@search_filter("has_email")
def has_email(value):
    present = and_(contacts.c.email.is_not(None), contacts.c.email != "")
    if rules.parse_bool("has_email", value):
        return present
    return or_(contacts.c.email.is_(None), contacts.c.email == "")


@search_filter("created_from")
def created_from(value):
    return contacts.c.created_at >= rules.day_start(rules.parse_date("created_from", value))


@search_filter("created_to")
def created_to(value):
    return contacts.c.created_at < rules.next_day_start(rules.parse_date("created_to", value))


@search_filter("updated_from")
def updated_from(value):
    return contacts.c.updated_at >= rules.day_start(rules.parse_date("updated_from", value))


@search_filter("updated_to")
def updated_to(value):
    return contacts.c.updated_at < rules.next_day_start(rules.parse_date("updated_to", value))


@search_filter("kind")
def kind(value):
    value = str(value).strip()
    if value not in ("person", "organisation"):
        raise ValidationFailed(
            "kind must be person or organisation.", {"kind": ["Use person or organisation."]}
        )
    return contacts.c.kind == value


@search_filter("city")
def city(value):
    """The city, case- and accent-insensitively (piiri_norm on both sides)."""
    return func.piiri_norm(contacts.c.city) == func.piiri_norm(str(value).strip())
