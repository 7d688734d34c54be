"""SQL of the bounce and unsubscribe flags (M5)."""

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from piiri.db import any_uuid
from services.mailing.models import campaign_recipients, contact_flags, list_members


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
        .where(contact_flags.c.contact_id == any_uuid(contact_ids))
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


def mark_bounce(session, campaign_id, email, kind, occurred_at):
    """Note a recipient's bounce on the campaign's ledger (M5 bounce policy): once per campaign and
    address, a hard bounce over a soft one. [(contact_id, list_id)] of the rows newly marked (none when
    the report had it already, or the person was erased)."""
    ledger = campaign_recipients.c
    statement = (
        update(campaign_recipients)
        .where(
            ledger.campaign_id == campaign_id,
            func.lower(ledger.email) == email.lower(),
            ledger.contact_id.is_not(None),
            or_(ledger.bounce.is_(None), ledger.bounce == "soft")
            if kind == "hard"
            else ledger.bounce.is_(None),
        )
        .values(bounce=kind, bounced_at=occurred_at)
        .returning(ledger.contact_id, ledger.list_id)
    )
    return [(row.contact_id, row.list_id) for row in session.execute(statement)]


def soft_bounces(session, contact_id):
    """In how many campaigns the contact's address bounced softly."""
    ledger = campaign_recipients.c
    query = select(func.count(func.distinct(ledger.campaign_id))).where(
        ledger.contact_id == contact_id, ledger.bounce == "soft"
    )
    return session.execute(query).scalar_one()
