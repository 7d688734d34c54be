"""The ``person`` part of get_contact: alternative names, name for letters, statuses, deceased, couple."""

from services.contacts import storage as contact_storage
from services.contacts.details import DetailPart
from services.contacts.person import rules, storage
from services.contacts.person.contract import PersonDetails

PERSON_DETAILS = PersonDetails()


def couple_view(session, couple_id, contact_id=None):
    """A couple with its members, its address name in both languages and, for a member, the partner."""
    members = storage.couple_members_of(session, couple_id)
    for member in members:
        member["display_name"] = contact_storage.display_name(member)
    view = {
        "id": couple_id,
        "members": members,
        "address_name": {
            language: rules.couple_address_name(*members, language=language) for language in ("fi", "en")
        }
        if len(members) == 2
        else {},
        "any_deceased": any(member.get("deceased_on") for member in members),
    }
    if contact_id is not None:
        view["partner"] = next((member for member in members if member["id"] != contact_id), None)
    return view


def shown_partners(part):
    """G2: the couple's members (the partner's name and dates are on the contact's page)."""
    couple = part.get("couple") or {}
    return [member["id"] for member in couple.get("members") or []]


def person_details(session, contact_id, contact, read):
    """``read``: READS' rows, read with the other parts' in the record's one statement."""
    contact = contact or contact_storage.get_contact(session, contact_id)
    names, statuses, couple_id = read["names"], read["statuses"], read["couple_id"]
    return PERSON_DETAILS.dump(
        {
            "alternative_names": names,
            "name_for_letters": rules.letter_name(contact, names),
            "statuses": statuses,
            "active_statuses": sorted({status["kind"] for status in statuses if status["active"]}),
            "deceased_on": contact.get("deceased_on"),
            "couple": couple_view(session, couple_id, contact_id) if couple_id else None,
            "status_kinds": read["status_kinds"],
        }
    )


# This module's part of a contact's full record (registries.py lists it).
READS = {
    "names": storage.NAMES,
    "statuses": storage.STATUSES,
    "couple_id": storage.COUPLE_ID,
    "status_kinds": storage.STATUS_KINDS,
}
DETAIL = DetailPart("person", person_details, subjects=shown_partners, takes_contact=True, reads=READS)
