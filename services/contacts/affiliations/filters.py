"""Search filters of person-organisation links (C2): ``organisation_id`` (persons linked to it now),
optionally qualified by ``organisation_role``; ``organisation_role`` alone: linked in that role anywhere.

In an advanced-search expression, which has one value per filter, write ``<organisation id>:<role>``.
"""

from piiri.errors import ValidationFailed
from services.contacts import storage as contact_storage
from services.contacts.affiliations import storage
from services.contacts.affiliations.contract import ROLES
from services.contacts.filters import filter_qualifier, search_filter

filter_qualifier("organisation_role", "organisation_id")


def _role(name, value):
    value = str(value).strip()
    if value not in ROLES:
        raise ValidationFailed(
            f"{name} must be one of {', '.join(ROLES)}.", {name: [f"Use one of: {', '.join(ROLES)}."]}
        )
    return value


@search_filter("organisation_id")
def organisation_id(value):
    """Persons linked now (link not ended) to this organisation; ``<id>:<role>`` in that role only."""
    text, _, role = str(value).strip().partition(":")
    parsed = contact_storage.parse_id(text.strip())
    if parsed is None:
        raise ValidationFailed(
            "organisation_id must be a contact id.", {"organisation_id": ["Not a contact id."]}
        )
    return storage.linked_to(parsed, _role("organisation_role", role) if role else None)


@search_filter("organisation_role")
def organisation_role(value):
    """Persons linked now to any organisation in this role (with organisation_id: to that one)."""
    return storage.linked_to(role=_role("organisation_role", value))
