"""Search filters of the rich standard fields (C2), registered in the filters.py registry, so the
contact list, GET /api/v1/contacts, advanced search expressions and saved searches all take them:
``tag`` (has the tag; 'a,b' has both), ``gender``, ``has_phone``, ``has_address``, ``address_kind``."""

from sqlalchemy import cast, literal
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.types import Text

from piiri.errors import ValidationFailed, coded
from services.contacts.advanced_search.rules import parse_bool
from services.contacts.contract import ADDRESS_KINDS, GENDERS, TAG_LENGTH
from services.contacts.filters import FilterSet
from services.contacts.models import contacts

NO_GENDER = "unset"


def parse_tags(value):
    """'Hallitus, lehti' -> ['hallitus', 'lehti'] (as tags are stored), or a clear error."""
    raw = value if isinstance(value, list | tuple) else str(value).split(",")
    tags = [" ".join(str(tag).split()).lower() for tag in raw]
    tags = [tag for tag in tags if tag]
    if not tags or any(len(tag) > TAG_LENGTH for tag in tags):
        raise ValidationFailed("contact.invalid", {"tag": [coded("err.tag_filter", max=TAG_LENGTH)]})
    return sorted(set(tags))


def tag(value):
    """Contacts having the tag; several separated by commas: having every one of them (GIN index)."""
    return contacts.c.tags.contains(cast(parse_tags(value), ARRAY(Text)))


def gender(value):
    """female, male, other, or 'unset' for contacts without a gender."""
    value = str(value).strip().lower()
    if value == NO_GENDER:
        return contacts.c.gender.is_(None)
    if value not in GENDERS:
        choices = ", ".join((*GENDERS, NO_GENDER))
        raise ValidationFailed("contact.invalid", {"gender": [coded("value.one_of", choices=choices)]})
    return contacts.c.gender == value


def has_phone(value):
    present = contacts.c.phone.is_not(None)
    return present if parse_bool("has_phone", value) else ~present


def has_address(value):
    present = contacts.c.addresses != literal([], JSONB)
    return present if parse_bool("has_address", value) else ~present


def address_kind(value):
    """Contacts with an address of this kind (home, work, postal, billing, other)."""
    value = str(value).strip().lower()
    if value not in ADDRESS_KINDS:
        choices = ", ".join(ADDRESS_KINDS)
        raise ValidationFailed("contact.invalid", {"address_kind": [coded("value.one_of", choices=choices)]})
    return contacts.c.addresses.contains(literal([{"kind": value}], JSONB))


# What this module adds to the contact search (registries.py lists it).
FILTERS = FilterSet(
    filters={
        "tag": tag,
        "gender": gender,
        "has_phone": has_phone,
        "has_address": has_address,
        "address_kind": address_kind,
    },
)
