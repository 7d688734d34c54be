"""All SQL of person-organisation links (C2): read with both contacts' names, write, page an
organisation's people by (sort name, link id), and the search filters' conditions."""

from sqlalchemy import and_, case, delete, func, insert, literal, or_, select, tuple_, update

from piiri import clock
from piiri.json_reads import Read
from services.contacts import storage as contact_storage
from services.contacts.models import affiliations, contact_redirects, contacts

PERSON, ORGANISATION = contacts.alias("person"), contacts.alias("organisation")
NOT_ENDED = or_(affiliations.c.ends_on.is_(None), affiliations.c.ends_on >= clock.sql_today())
NAME_PARTS = ("kind", "first_name", "preferred_name", "last_name", "organisation_name")
COLUMNS = [
    *affiliations.c,
    (~NOT_ENDED).label("ended"),
    *(PERSON.c[name].label(f"p_{name}") for name in NAME_PARTS),
    PERSON.c.sort_name.label("p_sort_name"),
    *(ORGANISATION.c[name].label(f"o_{name}") for name in NAME_PARTS),
]
JOINED = affiliations.join(PERSON, PERSON.c.id == affiliations.c.person_id).join(
    ORGANISATION, ORGANISATION.c.id == affiliations.c.organisation_id
)


def _link(mapping):
    data = dict(mapping)
    person = {name: data.pop(f"p_{name}") for name in NAME_PARTS}
    organisation = {name: data.pop(f"o_{name}") for name in NAME_PARTS}
    data["person_name"] = contact_storage.display_name(person)
    data["organisation_name"] = contact_storage.display_name(organisation)
    return data


def _select():
    return select(*COLUMNS).select_from(JOINED)


def get(session, link_id, for_update=False):
    query = _select().where(affiliations.c.id == link_id)
    if for_update:
        query = query.with_for_update(of=affiliations)
    row = session.execute(query).first()
    return _link(row._mapping) if row else None


def exists_link(session, person_id, organisation_id, role, other_than=None):
    query = select(affiliations.c.id).where(
        affiliations.c.person_id == person_id,
        affiliations.c.organisation_id == organisation_id,
        affiliations.c.role == role,
    )
    if other_than is not None:
        query = query.where(affiliations.c.id != other_than)
    return session.execute(query).first() is not None


def insert_link(session, values):
    link_id = session.execute(insert(affiliations).values(**values).returning(affiliations.c.id)).scalar_one()
    return get(session, link_id)


def update_link(session, link_id, values):
    session.execute(update(affiliations).where(affiliations.c.id == link_id).values(**values))
    return get(session, link_id)


def delete_link(session, link_id):
    session.execute(delete(affiliations).where(affiliations.c.id == link_id))


def has_links(session, contact_id):
    """Whether the contact is linked on either side (to organisations, or as an organisation)."""
    query = select(affiliations.c.id).where(
        or_(affiliations.c.person_id == contact_id, affiliations.c.organisation_id == contact_id)
    )
    return session.execute(query.limit(1)).first() is not None


def other_primaries(session, person_id, except_id=None):
    """The person's primary links other than ``except_id`` (to unset when a new one is chosen)."""
    query = select(affiliations.c.id).where(affiliations.c.person_id == person_id, affiliations.c.is_primary)
    if except_id is not None:
        query = query.where(affiliations.c.id != except_id)
    return list(session.execute(query).scalars())


def _organisations_query(person_id, conditions=()):
    return (
        _select()
        .where(affiliations.c.person_id == person_id, *conditions)
        .order_by(
            affiliations.c.is_primary.desc(),
            case((NOT_ENDED, 0), else_=1),
            ORGANISATION.c.sort_name,
            affiliations.c.id,
        )
    )


# A person's links, the read of a contact's record (affiliations/details.py).
ORGANISATIONS = Read(_organisations_query, shape=lambda rows: [_link(row) for row in rows])


def organisations_of(session, person_id, conditions=()):
    """A person's links: primary first, then current before ended, then by organisation name.
    ``conditions`` on ORGANISATION narrow them (e.g. the actor's data scope)."""
    return [_link(row._mapping) for row in session.execute(_organisations_query(person_id, conditions))]


def people_page(
    session, organisation_id, limit, position=None, role=None, include_ended=False, conditions=()
):
    """One page of an organisation's links in (person sort name, link id) order, and whether more follow.

    ``position`` is (sort name, link id) of the previous page's last row (keyset paging);
    ``conditions`` on PERSON narrow the people (e.g. the actor's data scope).
    """
    query = _select().where(affiliations.c.organisation_id == organisation_id, *conditions)
    if role is not None:
        query = query.where(affiliations.c.role == role)
    if not include_ended:
        query = query.where(NOT_ENDED)
    if position is not None:
        after = tuple_(
            literal(position[0], PERSON.c.sort_name.type), literal(position[1], affiliations.c.id.type)
        )
        query = query.where(tuple_(PERSON.c.sort_name, affiliations.c.id) > after)
    rows = session.execute(query.order_by(PERSON.c.sort_name, affiliations.c.id).limit(limit + 1)).all()
    return [_link(row._mapping) for row in rows[:limit]], len(rows) > limit


def people_count(session, organisation_id):
    """How many people are linked to the organisation now (links not ended, any role)."""
    query = select(func.count(func.distinct(affiliations.c.person_id))).where(
        affiliations.c.organisation_id == organisation_id, NOT_ENDED
    )
    return session.execute(query).scalar_one()


# --- merge (C11): every link touching the contacts, and moving them --------------------------------


def links_touching(session, ids):
    query = select(affiliations).where(
        or_(affiliations.c.person_id.in_(ids), affiliations.c.organisation_id.in_(ids))
    )
    return [dict(row._mapping) for row in session.execute(query)]


def apply_merge(session, changes, drops):
    """Drop first (a dropped link may hold the key a moved one takes), then move."""
    if drops:
        session.execute(delete(affiliations).where(affiliations.c.id.in_(drops)))
    for link_id, values in changes.items():
        session.execute(update(affiliations).where(affiliations.c.id == link_id).values(**values))


# --- search filter conditions on the contacts table ------------------------------------------------


def resolved(contact_id):
    """The id itself, or the survivor it was merged into (C11), as SQL."""
    survivor = (
        select(contact_redirects.c.survivor_id)
        .where(contact_redirects.c.merged_id == contact_id)
        .scalar_subquery()
    )
    return func.coalesce(survivor, contact_id)


def linked_to(organisation_id=None, role=None):
    """Contacts linked now (not ended) to the organisation and/or in the role: an IN over the
    links found by the affiliations_organisation index (or by role)."""
    conditions = [NOT_ENDED]
    if organisation_id is not None:
        conditions.append(affiliations.c.organisation_id == resolved(organisation_id))
    if role is not None:
        conditions.append(affiliations.c.role == role)
    return contacts.c.id.in_(select(affiliations.c.person_id).where(and_(*conditions)))
