"""The ``consents`` part of get_contact: the purposes a person has currently given a consent for."""

from services.contacts.consents import rules, storage
from services.contacts.details import DetailPart


def current_consents(session, contact_id, read):
    """{"given": [purpose codes whose latest consent is given], "withdrawn": [… withdrawn]}."""
    current = rules.current_consents(read["history"])
    return {
        "given": sorted(code for code, row in current.items() if row["given"]),
        "withdrawn": sorted(code for code, row in current.items() if not row["given"]),
    }


# This module's part of a contact's full record (registries.py lists it).
DETAIL = DetailPart("consents", current_consents, reads={"history": storage.CONSENT_HISTORY})
