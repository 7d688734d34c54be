"""All SQL of G1: processing purposes, the consent history, person-specific legal bases, memberships shown."""

from sqlalchemy import and_, delete, exists, func, insert, select, update

from piiri import clock
from piiri.collation import finnish
from piiri.json_reads import Read
from services.contacts.models import (
    consent_current,
    consents,
    contacts,
    erasures,
    groups,
    legal_bases,
    memberships,
    processing_purposes,
)


def _dicts(rows):
    return [dict(row._mapping) for row in rows]


def _one(row):
    return dict(row._mapping) if row else None


# --- purposes ---------------------------------------------------------------------------------------


def purposes_all(session):
    query = select(processing_purposes).order_by(
        processing_purposes.c.builtin.desc(), processing_purposes.c.code
    )
    return _dicts(session.execute(query))


def purpose(session, code, for_update=False):
    query = select(processing_purposes).where(processing_purposes.c.code == code)
    if for_update:
        query = query.with_for_update()
    return _one(session.execute(query).first())


def insert_purpose(session, values):
    row = session.execute(insert(processing_purposes).values(**values).returning(*processing_purposes.c))
    return _one(row.one())


def update_purpose(session, code, values):
    query = (
        update(processing_purposes)
        .where(processing_purposes.c.code == code)
        .values(**values)
        .returning(*processing_purposes.c)
    )
    return _one(session.execute(query).one())


# --- consents ---------------------------------------------------------------------------------------


# Every consent row of a person, newest first (also a read of the contact's record: consents/details.py).
CONSENT_HISTORY = Read(
    lambda contact_id: (
        select(consents)
        .where(consents.c.contact_id == contact_id)
        .order_by(consents.c.recorded_at.desc(), consents.c.id.desc())
    )
)


def consent_history(session, contact_id):
    """Every consent row of a person, newest first."""
    return CONSENT_HISTORY.run(session, contact_id)


def consent_at(session, contact_id, purpose_code, recorded_at):
    query = select(consents.c.id).where(
        consents.c.contact_id == contact_id,
        consents.c.purpose == purpose_code,
        consents.c.recorded_at == recorded_at,
    )
    return session.execute(query).scalar_one_or_none()


def insert_consent(session, values):
    return _one(session.execute(insert(consents).values(**values).returning(*consents.c)).one())


def latest_consent(session, contact_id, purpose_code):
    """The current state of one purpose: its latest row (index consents_contact, read backwards)."""
    query = (
        select(consents)
        .where(consents.c.contact_id == contact_id, consents.c.purpose == purpose_code)
        .order_by(consents.c.recorded_at.desc(), consents.c.id.desc())
        .limit(1)
    )
    return _one(session.execute(query).first())


def has_current_consent(purpose_code):
    """Search condition: the contact's current consent for the purpose is a given one.

    consent_current holds the latest history row per contact and purpose (triggers, migration 0015):
    a primary-key probe per contact when the list walks contacts, or a range of the partial index
    consent_current_given when few contacts have one.
    """
    return exists().where(
        consent_current.c.contact_id == contacts.c.id,
        consent_current.c.purpose == purpose_code,
        consent_current.c.given,
    )


# --- legal bases ------------------------------------------------------------------------------------

ACTIVE = and_(
    func.coalesce(legal_bases.c.starts_on <= clock.sql_today(), True),
    func.coalesce(legal_bases.c.ends_on >= clock.sql_today(), True),
).label("active")


def legal_bases_of(session, contact_id):
    query = (
        select(*legal_bases.c, ACTIVE)
        .where(legal_bases.c.contact_id == contact_id)
        .order_by(legal_bases.c.purpose, legal_bases.c.created_at)
    )
    return _dicts(session.execute(query))


def get_legal_basis(session, contact_id, basis_id, for_update=False):
    query = select(*legal_bases.c, ACTIVE).where(
        legal_bases.c.contact_id == contact_id, legal_bases.c.id == basis_id
    )
    if for_update:
        query = query.with_for_update(of=legal_bases)
    return _one(session.execute(query).first())


def insert_legal_basis(session, values):
    row = session.execute(insert(legal_bases).values(**values).returning(*legal_bases.c, ACTIVE)).one()
    return _one(row)


def end_legal_basis(session, basis_id, ends_on):
    query = (
        update(legal_bases)
        .where(legal_bases.c.id == basis_id)
        .values(ends_on=ends_on)
        .returning(*legal_bases.c, ACTIVE)
    )
    return _one(session.execute(query).one())


def delete_legal_basis(session, basis_id):
    session.execute(delete(legal_bases).where(legal_bases.c.id == basis_id))


# --- memberships and erasure, for the view ----------------------------------------------------------


def memberships_of(session, contact_id):
    current = and_(
        memberships.c.starts_on <= clock.sql_today(),
        func.coalesce(memberships.c.ends_on > clock.sql_today(), True),
    ).label("current")
    query = (
        select(
            memberships.c.group_id,
            groups.c.name.label("group_name"),
            memberships.c.role,
            memberships.c.starts_on,
            memberships.c.ends_on,
            current,
        )
        .join_from(memberships, groups, groups.c.id == memberships.c.group_id)
        .where(memberships.c.contact_id == contact_id)
        .order_by(memberships.c.starts_on.desc(), finnish(groups.c.name))
    )
    return _dicts(session.execute(query))


def erasure_requested_at(session, contact_id):
    query = select(erasures.c.requested_at).where(erasures.c.contact_id == contact_id)
    return session.execute(query).scalar_one_or_none()


def move_to_survivor(session, survivor_id, merged_ids):
    """A merge (C11): the merged contacts' consent history and legal bases move to the survivor, kept
    whole (the latest row per purpose across them all is the survivor's current state)."""
    for table in (consents, legal_bases):
        session.execute(
            update(table).where(table.c.contact_id.in_(merged_ids)).values(contact_id=survivor_id)
        )
