"""The custom fields' part of a contact's full record: its values in active fields."""

from services.contacts.custom_fields import storage
from services.contacts.details import DetailPart


def custom_detail(session, contact_id):
    """The contact's values in active fields, {key: value} (part of get_contact)."""
    return storage.active_values(session, contact_id)


# This module's part of a contact's full record (registries.py lists it).
DETAIL = DetailPart("custom", custom_detail)
