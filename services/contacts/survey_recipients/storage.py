"""SQL of survey recipients: which contacts of a page have withdrawn a purpose's consent."""

from sqlalchemy import select

from services.contacts.models import consent_current


def opted_out(session, contact_ids, purpose):
    """The ids among ``contact_ids`` whose latest consent for ``purpose`` is withdrawn."""
    if not contact_ids:
        return set()
    query = select(consent_current.c.contact_id).where(
        consent_current.c.purpose == purpose,
        consent_current.c.given.is_(False),
        consent_current.c.contact_id.in_(contact_ids),
    )
    return set(session.execute(query).scalars())
