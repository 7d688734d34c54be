"""The ``paid_membership`` part of get_contact: the periods paid by matched payments (newest first) and
the free or honorary membership flag (read with the contact, so audited as part of its read)."""

from services.contacts.details import DetailPart
from services.contacts.paid_membership import storage
from services.contacts.paid_membership.contract import PaidMembership

PART = PaidMembership()


def paid_membership(session, contact_id, read):
    live = [row for row in read["payments"] if row["withdrawn_at"] is None]
    return PART.dump({"periods": live, "flag": read["flag"]})


# This module's part of a contact's full record (registries.py lists it).
DETAIL = DetailPart(
    "paid_membership", paid_membership, reads={"payments": storage.PAYMENTS, "flag": storage.FLAG}
)
