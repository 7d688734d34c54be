"""Search filters of advanced search (C4): age and birth-date ranges, e-mail, created/changed dates,
kind and city, registered in the filters.py registry (so GET /api/v1/contacts takes them too)."""

from sqlalchemy import and_, func, or_

from piiri import clock
from piiri.errors import ValidationFailed
from services.contacts.advanced_search import rules
from services.contacts.filters import FilterSet
from services.contacts.models import contacts


def age_min(value):
    """People at least this many years old today."""
    age = rules.parse_age("age_min", value)
    return contacts.c.birth_date <= rules.born_on_or_before_for_age_min(age, clock.today())


def age_max(value):
    """People at most this many years old today."""
    age = rules.parse_age("age_max", value)
    return contacts.c.birth_date > rules.born_after_for_age_max(age, clock.today())


def born_from(value):
    return contacts.c.birth_date >= rules.parse_date("born_from", value)


def born_to(value):
    return contacts.c.birth_date <= rules.parse_date("born_to", value)


def has_email(value):
    present = and_(contacts.c.email.is_not(None), contacts.c.email != "")
    if rules.parse_bool("has_email", value):
        return present
    return or_(contacts.c.email.is_(None), contacts.c.email == "")


def created_from(value):
    return contacts.c.created_at >= rules.day_start(rules.parse_date("created_from", value))


def created_to(value):
    return contacts.c.created_at < rules.next_day_start(rules.parse_date("created_to", value))


def updated_from(value):
    return contacts.c.updated_at >= rules.day_start(rules.parse_date("updated_from", value))


def updated_to(value):
    return contacts.c.updated_at < rules.next_day_start(rules.parse_date("updated_to", value))


def kind(value):
    value = str(value).strip()
    if value not in ("person", "organisation"):
        raise ValidationFailed("kind must be person or organisation.", {"kind": ["contact.choice"]})
    return contacts.c.kind == value


def city(value):
    """The city, case- and accent-insensitively (piiri_norm on both sides)."""
    return func.piiri_norm(contacts.c.city) == func.piiri_norm(str(value).strip())


# What this module adds to the contact search (registries.py lists it).
FILTERS = FilterSet(
    filters={
        "age_min": age_min,
        "age_max": age_max,
        "born_from": born_from,
        "born_to": born_to,
        "has_email": has_email,
        "created_from": created_from,
        "created_to": created_to,
        "updated_from": updated_from,
        "updated_to": updated_to,
        "kind": kind,
        "city": city,
    },
)
