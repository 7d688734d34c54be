"""SQL of the bounce and unsubscribe flags (M5)."""

from sqlalchemy import delete, func, select, text
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


def first_flag_kinds(session, contact_ids):
    """{contact id (text): the kind of the contact's first flag} of the given contacts (ids as text): what a
    sync page asks, in one statement with the ids as one text[] parameter (bench/mailing_sync_bench.py)."""
    if not contact_ids:
        return {}
    rows = session.execute(
        text(
            "SELECT DISTINCT ON (contact_id) contact_id::text, kind FROM contact_flags"
            " WHERE contact_id = ANY(CAST(:ids AS uuid[])) ORDER BY contact_id, occurred_at"
        ),
        {"ids": list(contact_ids)},
    )
    return {contact_id: kind for contact_id, kind in rows}


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


def mark_bounces(session, campaign_id, bounces):
    """Note a report's bounces ([(e-mail, "hard" | "soft", when)]) on the campaign's ledger (M5 bounce
    policy) in one UPDATE: once per campaign and address, a hard bounce over a soft one (an address listed
    with both counts as hard). [(contact_id, list_id, e-mail, kind, when)] of the rows newly marked (none
    when an earlier pull had them already, or the person was erased). One statement: a report pulled
    again reads the campaign's ledger once, not once per bounce (the ledger is indexed by campaign, not
    by address)."""
    strongest = {}
    for email, kind, when in bounces:
        key = email.strip().lower()
        if key not in strongest or (kind == "hard" and strongest[key][0] != "hard"):
            strongest[key] = (kind, when)
    if not strongest:
        return []
    statement = text(
        "UPDATE campaign_recipients AS ledger SET bounce = noted.kind, bounced_at = noted.occurred_at"
        " FROM unnest(CAST(:emails AS text[]), CAST(:kinds AS text[]), CAST(:times AS timestamptz[]))"
        " AS noted (email, kind, occurred_at)"
        " WHERE ledger.campaign_id = :campaign_id AND lower(ledger.email) = noted.email"
        " AND ledger.contact_id IS NOT NULL"
        " AND (ledger.bounce IS NULL OR (noted.kind = 'hard' AND ledger.bounce = 'soft'))"
        " RETURNING ledger.contact_id, ledger.list_id, ledger.email, noted.kind, noted.occurred_at"
    )
    rows = session.execute(
        statement,
        {
            "campaign_id": campaign_id,
            "emails": list(strongest),
            "kinds": [kind for kind, _ in strongest.values()],
            "times": [when for _, when in strongest.values()],
        },
    )
    return [(row.contact_id, row.list_id, row.email, row.kind, row.occurred_at) for row in rows]


def soft_bounces(session, contact_id):
    """In how many campaigns the contact's address bounced softly."""
    ledger = campaign_recipients.c
    query = select(func.count(func.distinct(ledger.campaign_id))).where(
        ledger.contact_id == contact_id, ledger.bounce == "soft"
    )
    return session.execute(query).scalar_one()
