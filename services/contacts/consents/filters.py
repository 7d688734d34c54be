"""Search filter of G1: ``consent=<purpose>`` keeps contacts whose current consent for it is a given one."""

import re

from piiri.errors import ValidationFailed
from services.contacts.consents import storage
from services.contacts.filters import FilterSet

CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def consent(value):
    """Only contacts whose latest consent for this purpose code (e.g. newsletter) is given."""
    value = str(value).strip()
    if not CODE.match(value):
        raise ValidationFailed("contact.invalid", {"consent": ["err.dp_purpose_code"]})
    return storage.has_current_consent(value)


# What this module adds to the contact search (registries.py lists it).
FILTERS = FilterSet(
    filters={"consent": consent},
)
