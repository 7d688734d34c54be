"""The ``photo`` part of get_contact: whether the contact has a photo, its type, size and time (never
its bytes; the page fetches those from the gateway's photo route, an audited read of its own)."""

from services.contacts.details import DetailPart
from services.contacts.photos import storage
from services.contacts.photos.contract import PhotoInfo

INFO = PhotoInfo()


def photo_details(session, contact_id, read):
    about = read["about"]
    return INFO.dump({"contact_id": contact_id, **about}) if about else None


# This module's part of a contact's full record (registries.py lists it).
DETAIL = DetailPart("photo", photo_details, reads={"about": storage.ABOUT_PHOTO})
