"""All SQL of paid-up membership (B4): the payment rows per invoice and member, the flag, and the search
conditions paid up / not paid up for a period."""

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from piiri import clock
from piiri.json_reads import Read
from services.contacts.models import contact_redirects, contacts, membership_flags, membership_payments


def existing_members(session, member_ids):
    """The contacts ``member_ids`` name now (a merged-away id as its survivor; erased ones left out)."""
    if not member_ids:
        return []
    found = set(session.execute(select(contacts.c.id).where(contacts.c.id.in_(member_ids))).scalars())
    redirected = session.execute(
        select(contact_redirects.c.merged_id, contact_redirects.c.survivor_id).where(
            contact_redirects.c.merged_id.in_(member_ids)
        )
    ).all()
    survivors = {row.merged_id: row.survivor_id for row in redirected}
    if survivors:  # a survivor erased since is no member either
        found |= set(
            session.execute(select(contacts.c.id).where(contacts.c.id.in_(survivors.values()))).scalars()
        )
    named = [key if key in found else survivors.get(key) for key in member_ids]
    return [key for key in dict.fromkeys(named) if key is not None and key in found]


def lock_members(session, member_ids):
    """Lock the members' contact rows: their payments and flag change one transaction at a time."""
    if not member_ids:
        return
    session.execute(select(contacts.c.id).where(contacts.c.id.in_(member_ids)).with_for_update())


def record_payment(session, invoice_id, member_ids, period, paid_on):
    """A paid invoice's row for each member; the members for whom it is new (none on a redelivery)."""
    if not member_ids:
        return []
    rows = [
        {"invoice_id": invoice_id, "contact_id": key, "period": period, "paid_on": paid_on}
        for key in member_ids
    ]
    query = pg_insert(membership_payments).values(rows).on_conflict_do_nothing()
    return list(session.execute(query.returning(membership_payments.c.contact_id)).scalars())


def live_holders(session, invoice_id):
    """The members an invoice's live (not withdrawn) payment rows belong to."""
    query = select(membership_payments.c.contact_id).where(
        membership_payments.c.invoice_id == invoice_id, membership_payments.c.withdrawn_at.is_(None)
    )
    return list(session.execute(query).scalars())


def withdraw(session, invoice_id, member_ids, period):
    """A credited invoice: its rows withdrawn (kept, so that a late ``invoice_paid`` changes nothing);
    the members whose row was live before."""
    now = clock.now()
    live = list(
        session.execute(
            update(membership_payments)
            .where(
                membership_payments.c.invoice_id == invoice_id, membership_payments.c.withdrawn_at.is_(None)
            )
            .values(withdrawn_at=now)
            .returning(membership_payments.c.contact_id)
        ).scalars()
    )
    if period and member_ids:
        rows = [
            {"invoice_id": invoice_id, "contact_id": key, "period": period, "withdrawn_at": now}
            for key in member_ids
        ]
        session.execute(pg_insert(membership_payments).values(rows).on_conflict_do_nothing())
    return live


# The reads of a contact's record (paid_membership/details.py), sent with the other parts' reads.
PAYMENTS = Read(
    lambda contact_id: (
        select(membership_payments)
        .where(membership_payments.c.contact_id == contact_id)
        .order_by(membership_payments.c.period.desc(), membership_payments.c.recorded_at)
    )
)
FLAG = Read(
    lambda contact_id: select(membership_flags).where(membership_flags.c.contact_id == contact_id),
    shape=lambda rows: rows[0] if rows else None,
)


def payments_of(session, contact_id):
    return PAYMENTS.run(session, contact_id)


def flag_of(session, contact_id):
    return FLAG.run(session, contact_id)


def set_flag(session, contact_id, kind, reason, set_by):
    values = {"kind": kind, "reason": reason, "set_by": set_by, "set_at": clock.now()}
    query = pg_insert(membership_flags).values(contact_id=contact_id, **values)
    query = query.on_conflict_do_update(index_elements=[membership_flags.c.contact_id], set_=values)
    session.execute(query)
    return flag_of(session, contact_id)


def clear_flag(session, contact_id):
    """Remove the flag; the removed row, or None when there was none."""
    row = (
        session.execute(
            delete(membership_flags)
            .where(membership_flags.c.contact_id == contact_id)
            .returning(*membership_flags.c)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def move_to_survivor(session, survivor_id, merged_ids):
    """A merge (C11): the merged contacts' payments become the survivor's (a flag too, unless it has one)."""
    moved = select(membership_payments.c.invoice_id).where(membership_payments.c.contact_id == survivor_id)
    session.execute(
        update(membership_payments)
        .where(
            membership_payments.c.contact_id.in_(merged_ids),
            membership_payments.c.invoice_id.not_in(moved),
        )
        .values(contact_id=survivor_id)
    )
    if flag_of(session, survivor_id) is None:
        first = session.execute(
            select(membership_flags.c.contact_id)
            .where(membership_flags.c.contact_id.in_(merged_ids))
            .order_by(membership_flags.c.set_at)
            .limit(1)
        ).scalar()
        if first is not None:
            session.execute(
                update(membership_flags)
                .where(membership_flags.c.contact_id == first)
                .values(contact_id=survivor_id)
            )


def paid_up(period):
    """Search condition: the contact is paid up for ``period`` (a live payment of it, or a flag)."""
    return or_(
        exists().where(
            membership_payments.c.contact_id == contacts.c.id,
            membership_payments.c.period == period,
            membership_payments.c.withdrawn_at.is_(None),
        ),
        exists().where(membership_flags.c.contact_id == contacts.c.id),
    )
