"""The custom fields' part of a contact's full record: its values in active fields."""

from services.contacts.custom_fields import storage
from services.contacts.details import DetailPart


def custom_detail(session, contact_id, read):
    """The contact's values in active fields, {key: value} (part of get_contact)."""
    return read["values"]


def linked_detail(session, contact_id, read):
    """{key: {"id", "display_name"}} of the contacts its contact_link values name."""
    return read["links"]


def linked_subjects(part):
    """The contacts the links name: get_contact's audit record names them too (their names are shown)."""
    return [link["id"] for link in part.values()]


# This module's parts of a contact's full record (registries.py lists them): the values, and the names of
# the contacts its contact_link values point to ({key: {"id", "display_name"}}).
DETAIL = DetailPart("custom", custom_detail, reads={"values": storage.ACTIVE_VALUES})
LINKS_DETAIL = DetailPart(
    "custom_links", linked_detail, subjects=linked_subjects, reads={"links": storage.LINKED_CONTACTS}
)
