"""All SQL of person details: alternative names, statuses and their kinds, couples, active-status sets."""

from sqlalchemy import and_, delete, exists, func, insert, literal, or_, select, update
from sqlalchemy.dialects.postgresql import aggregate_order_by

from piiri import clock
from piiri.json_reads import Read
from services.contacts.models import (
    contact_names,
    contact_statuses,
    contacts,
    couple_members,
    couples,
    status_kinds,
)

NAME_COLUMNS = [column for column in contact_names.c if column.name != "contact_id"]


def active_condition(table=contact_statuses):
    """A status is active today (the organisation's day, piiri.clock): started, and not yet ended (its
    end date still counts)."""
    return and_(
        table.c.starts_on <= clock.sql_today(),
        or_(table.c.ends_on.is_(None), table.c.ends_on >= clock.sql_today()),
    )


# The kinds of a contact's active statuses, for list rows: one correlated subquery in the list's query.
ACTIVE_STATUSES = (
    select(func.array_agg(aggregate_order_by(contact_statuses.c.kind, contact_statuses.c.kind)))
    .where(contact_statuses.c.contact_id == contacts.c.id, active_condition())
    .scalar_subquery()
    .label("active_statuses")
)
STATUS_COLUMNS = [
    *(column for column in contact_statuses.c if column.name != "contact_id"),
    active_condition().label("active"),
]


def _dicts(rows):
    return [dict(row._mapping) for row in rows]


# --- alternative names (C12) --------------------------------------------------------------------


# The reads of a contact's record (person/details.py): sent with the other parts' in one statement.
NAMES = Read(
    lambda contact_id: (
        select(*NAME_COLUMNS)
        .where(contact_names.c.contact_id == contact_id)
        .order_by(contact_names.c.created_at, contact_names.c.id)
    )
)


def names_of(session, contact_id):
    return NAMES.run(session, contact_id)


def insert_name(session, contact_id, values):
    if values.get("use_in_letters"):
        session.execute(
            update(contact_names).where(contact_names.c.contact_id == contact_id).values(use_in_letters=False)
        )
    row = session.execute(
        insert(contact_names).values(contact_id=contact_id, **values).returning(*NAME_COLUMNS)
    ).one()
    return dict(row._mapping)


def delete_name(session, contact_id, name_id):
    row = session.execute(
        delete(contact_names)
        .where(contact_names.c.contact_id == contact_id, contact_names.c.id == name_id)
        .returning(*NAME_COLUMNS)
    ).first()
    return dict(row._mapping) if row else None


# --- statuses (C9) ------------------------------------------------------------------------------


STATUSES = Read(
    lambda contact_id: (
        select(*STATUS_COLUMNS)
        .where(contact_statuses.c.contact_id == contact_id)
        .order_by(contact_statuses.c.starts_on.desc(), contact_statuses.c.id)
    )
)


def statuses_of(session, contact_id):
    return STATUSES.run(session, contact_id)


def get_status(session, contact_id, status_id, for_update=False):
    query = select(*STATUS_COLUMNS).where(
        contact_statuses.c.contact_id == contact_id, contact_statuses.c.id == status_id
    )
    if for_update:
        query = query.with_for_update(of=contact_statuses)
    row = session.execute(query).first()
    return dict(row._mapping) if row else None


def insert_status(session, contact_id, values):
    row = session.execute(
        insert(contact_statuses).values(contact_id=contact_id, **values).returning(*STATUS_COLUMNS)
    ).one()
    return dict(row._mapping)


def update_status(session, status_id, values):
    row = session.execute(
        update(contact_statuses)
        .where(contact_statuses.c.id == status_id)
        .values(**values)
        .returning(*STATUS_COLUMNS)
    ).one()
    return dict(row._mapping)


def delete_status(session, status_id):
    session.execute(delete(contact_statuses).where(contact_statuses.c.id == status_id))


# Every status kind (not the contact's: the key is not used); a contact's record shows them for its form.
STATUS_KINDS = Read(
    lambda _contact_id: select(status_kinds).order_by(status_kinds.c.builtin.desc(), status_kinds.c.code)
)


def status_kinds_all(session):
    return STATUS_KINDS.run(session, None)


def status_kind(session, code):
    row = session.execute(select(status_kinds).where(status_kinds.c.code == code)).first()
    return dict(row._mapping) if row else None


def insert_status_kind(session, values):
    row = session.execute(insert(status_kinds).values(**values).returning(*status_kinds.c)).one()
    return dict(row._mapping)


# --- couples (C10) ------------------------------------------------------------------------------

PERSON_COLUMNS = [
    contacts.c[name]
    for name in (
        "id",
        "kind",
        "first_name",
        "preferred_name",
        "last_name",
        "organisation_name",
        "deceased_on",
    )
]


COUPLE_ID = Read(
    lambda contact_id: select(couple_members.c.couple_id).where(couple_members.c.contact_id == contact_id),
    shape=lambda rows: rows[0]["couple_id"] if rows else None,
)


def couple_id_of(session, contact_id):
    return COUPLE_ID.run(session, contact_id)


def couple_members_of(session, couple_id):
    """The couple's two contacts (name columns), in id order; empty if there is no such couple."""
    query = (
        select(*PERSON_COLUMNS)
        .join_from(couple_members, contacts, contacts.c.id == couple_members.c.contact_id)
        .where(couple_members.c.couple_id == couple_id)
        .order_by(contacts.c.id)
    )
    return _dicts(session.execute(query))


def lock_couple(session, couple_id):
    query = select(couples.c.id).where(couples.c.id == couple_id).with_for_update()
    return session.execute(query).scalar_one_or_none()


def insert_couple(session, contact_ids):
    couple_id = session.execute(insert(couples).returning(couples.c.id)).scalar_one()
    session.execute(
        insert(couple_members), [{"couple_id": couple_id, "contact_id": member} for member in contact_ids]
    )
    return couple_id


def delete_couple(session, couple_id):
    session.execute(delete(couples).where(couples.c.id == couple_id))


# --- search filter conditions on the contacts table ----------------------------------------------


def has_active_status(kind=None):
    condition = and_(contact_statuses.c.contact_id == contacts.c.id, active_condition())
    if kind is not None:
        condition = and_(condition, contact_statuses.c.kind == kind)
    return exists().where(condition)


def not_first_of_couple():
    """True for a couple member whose partner has the smaller id (one_per_couple leaves them out)."""
    me, partner = couple_members.alias("me"), couple_members.alias("partner")
    return (
        exists()
        .select_from(me.join(partner, me.c.couple_id == partner.c.couple_id))
        .where(me.c.contact_id == contacts.c.id, partner.c.contact_id < contacts.c.id)
    )


TRUE = literal(True)
