"""Search filters of person-organisation links (C2): ``organisation_id`` (persons linked to it now),
optionally qualified by ``organisation_role``; ``organisation_role`` alone: linked in that role anywhere.

In an advanced-search expression, which has one value per filter, write ``<organisation id>:<role>``.
"""

from sqlalchemy import select

from piiri.errors import NotFound, ValidationFailed, coded
from services.contacts import scopes
from services.contacts import storage as contact_storage
from services.contacts.affiliations import storage
from services.contacts.affiliations.contract import ROLES
from services.contacts.filters import FilterSet
from services.contacts.models import contacts


def _role(name, value):
    value = str(value).strip()
    if value not in ROLES:
        raise ValidationFailed("contact.invalid", {name: [coded("value.one_of", choices=", ".join(ROLES))]})
    return value


def organisation_id(value):
    """Persons linked now (link not ended) to this organisation; ``<id>:<role>`` in that role only."""
    text, _, role = str(value).strip().partition(":")
    parsed = contact_storage.parse_id(text.strip())
    if parsed is None:
        raise ValidationFailed(
            "organisation_id must be a contact id.", {"organisation_id": ["contact.id_invalid"]}
        )
    return storage.linked_to(parsed, _role("organisation_role", role) if role else None)


def organisation_role(value):
    """Persons linked now to any organisation in this role (with organisation_id: to that one)."""
    return storage.linked_to(role=_role("organisation_role", value))


def organisation_visible(session, actor, value):
    """An organisation the actor may not see (or none at all) is NotFound, as an unknown id: the filter
    tells nothing about who outside a data scope is linked to what (issue 12 item 7b)."""
    text = str(value).strip().partition(":")[0].strip()
    parsed = contact_storage.parse_id(text)
    if parsed is None:
        return  # the filter itself refuses it by name
    from services.contacts.merge.storage import redirect_target

    target = redirect_target(session, parsed) or parsed  # a merged-away id finds its survivor's people
    seen = session.execute(
        select(contacts.c.id).where(contacts.c.id == target, *scopes.conditions(session, actor))
    ).first()
    if seen is None:
        raise NotFound(f"No contact with id {text}.", {"organisation_id": text})


# What this module adds to the contact search (registries.py lists it).
FILTERS = FilterSet(
    filters={"organisation_id": organisation_id, "organisation_role": organisation_role},
    target_checks={"organisation_id": organisation_visible},
    qualifiers={"organisation_role": "organisation_id"},
)
