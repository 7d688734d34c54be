"""The ``affiliations`` part of get_contact: a person's organisations, or an organisation's people
(how many, and the first page)."""

from services.contacts import storage as contact_storage
from services.contacts.affiliations import paging, storage
from services.contacts.affiliations.contract import AffiliationDetails
from services.contacts.details import DetailPart

DETAILS = AffiliationDetails()
FIRST_PAGE = 10


def people_view(session, organisation_id, limit, cursor=None, role=None, include_ended=False, conditions=()):
    """One page of an organisation's people: {items, next_cursor}."""
    position = paging.decode(cursor, role, include_ended)
    items, more = storage.people_page(
        session, organisation_id, limit, position, role, include_ended, conditions
    )
    return {"items": items, "next_cursor": paging.encode(items[-1], role, include_ended) if more else None}


def shown_contacts(part):
    """The organisations a person's part shows, or the people on an organisation's first page."""
    people = (part.get("people") or {}).get("items") or []
    return [link["organisation_id"] for link in part["organisations"]] + [
        link["person_id"] for link in people
    ]


def affiliation_details(session, contact_id, contact, read):
    """A person's organisations (``read``, with the record's other reads); an organisation's people
    (a page and a count of their own)."""
    contact = contact or contact_storage.get_contact(session, contact_id)
    if contact["kind"] == "organisation":
        people = people_view(session, contact_id, FIRST_PAGE)
        people["count"] = storage.people_count(session, contact_id)
        return DETAILS.dump({"organisations": [], "people": people})
    return DETAILS.dump({"organisations": read["organisations"], "people": None})


# This module's part of a contact's full record (registries.py lists it).
DETAIL = DetailPart(
    "affiliations",
    affiliation_details,
    subjects=shown_contacts,
    takes_contact=True,
    reads={"organisations": storage.ORGANISATIONS},
)
