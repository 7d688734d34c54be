"""SQL of the bounce and unsubscribe flags (M5)."""

import uuid

from sqlalchemy import any_, bindparam, delete, select
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.mailing.models import contact_flags, list_members


def set_flag(session, contact_id, kind, email, list_id, source, occurred_at):
    """Flag the contact (the first time of each kind is kept); True if the flag is new."""
    statement = pg_insert(contact_flags).values(
        contact_id=contact_id, kind=kind, email=email, list_id=list_id, source=source, occurred_at=occurred_at
    )
    inserted = statement.on_conflict_do_nothing().returning(contact_flags.c.contact_id)
    return session.execute(inserted).first() is not None


def flags_of(session, contact_ids):
    """{contact id: [flag rows]} of the given contacts."""
    if not contact_ids:
        return {}
    query = (
        select(contact_flags)
        .where(
            contact_flags.c.contact_id
            == any_(
                bindparam(
                    "ids", [uuid.UUID(str(value)) for value in contact_ids], type_=ARRAY(UUID(as_uuid=True))
                )
            )
        )  # one array
        .order_by(contact_flags.c.occurred_at)
    )
    found = {}
    for row in session.execute(query):
        found.setdefault(row.contact_id, []).append(dict(row._mapping))
    return found


def flagged_members(session, list_id, kind, limit):
    """The list's members flagged ``kind``: [{contact_id, email, occurred_at}]."""
    query = (
        select(contact_flags.c.contact_id, contact_flags.c.occurred_at)
        .join(list_members, list_members.c.contact_id == contact_flags.c.contact_id)
        .where(list_members.c.list_id == list_id, contact_flags.c.kind == kind)
        .order_by(contact_flags.c.occurred_at.desc())
        .limit(limit)
    )
    return [dict(row._mapping) for row in session.execute(query)]


def delete_flags_of(session, contact_id):
    return session.execute(delete(contact_flags).where(contact_flags.c.contact_id == contact_id)).rowcount
