"""Search filters of person details: active statuses (C9), deceased (C14), one per couple (C10)."""

import re

from sqlalchemy import not_

from piiri.errors import ValidationFailed
from services.contacts.filters import FilterSet
from services.contacts.models import contacts
from services.contacts.person import storage
from services.contacts.person.contract import DECEASED_FILTER

KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def _kind(name, value):
    value = str(value).strip()
    if value == "any":
        return None
    if not KIND_PATTERN.match(value):
        raise ValidationFailed("person.err_status_filter", {name: ["person.err_status_filter"]})
    return value


def with_active_status(value):
    """Only people with an active status of this kind ('any': of any kind)."""
    return storage.has_active_status(_kind("with_active_status", value))


def exclude_active_status(value):
    """Leave out people with an active status of this kind ('any': of any kind)."""
    return not_(storage.has_active_status(_kind("exclude_active_status", value)))


def deceased(value):
    """exclude: only the living; only: only the deceased; include: everyone (the staff list's default)."""
    value = str(value).strip()
    if value not in DECEASED_FILTER:
        raise ValidationFailed("deceased must be exclude, only or include.", {"deceased": ["contact.choice"]})
    if value == "exclude":
        return contacts.c.deceased_on.is_(None)
    if value == "only":
        return contacts.c.deceased_on.is_not(None)
    return storage.TRUE


def one_per_couple(value):
    """true: of each couple keep only the member with the smaller id (the other is left out even if the
    kept one is left out by another filter); false: no effect."""
    value = str(value).strip().lower()
    if value not in ("true", "false"):
        raise ValidationFailed(
            "one_per_couple must be true or false.", {"one_per_couple": ["contact.boolean_invalid"]}
        )
    return not_(storage.not_first_of_couple()) if value == "true" else storage.TRUE


# What this module adds to the contact search (registries.py lists it).
FILTERS = FilterSet(
    filters={
        "with_active_status": with_active_status,
        "exclude_active_status": exclude_active_status,
        "deceased": deceased,
        "one_per_couple": one_per_couple,
    },
)
