"""All SQL of saved searches, and the bounded count of a search's matches (C4)."""

from sqlalchemy import delete, func, insert, literal, or_, select, update
from sqlalchemy.exc import IntegrityError

from piiri.collation import finnish
from piiri.db import plan_for_parameters
from piiri.errors import NotFound
from services.contacts import storage as contact_storage
from services.contacts.models import contacts, saved_searches
from services.contacts.saved_searches import rules

COUNT_CAP = 10_000  # counted exactly up to this; above it the answer is "more than 10,000"
LIST_CAP = 1_000


def get(session, search_id, for_update=False):
    query = select(saved_searches).where(saved_searches.c.id == search_id)
    if for_update:
        query = query.with_for_update()
    row = session.execute(query).first()
    return dict(row._mapping) if row else None


def visible(session, owner_id):
    """The owner's own searches and everyone's shared ones, by name."""
    rows = session.execute(
        select(saved_searches)
        .where(or_(saved_searches.c.owner_id == owner_id, saved_searches.c.shared))
        .order_by(finnish(saved_searches.c.name), saved_searches.c.id)
        .limit(LIST_CAP)
    ).all()
    return [dict(row._mapping) for row in rows]


def name_taken(session, owner_id, name, except_id=None):
    query = select(saved_searches.c.id).where(
        saved_searches.c.owner_id == owner_id, func.lower(saved_searches.c.name) == name.lower()
    )
    if except_id is not None:
        query = query.where(saved_searches.c.id != except_id)
    return session.execute(query.limit(1)).first() is not None


def insert_search(session, values):
    return _returning(session, insert(saved_searches).values(**values).returning(saved_searches))


def update_search(session, search_id, values):
    statement = (
        update(saved_searches)
        .where(saved_searches.c.id == search_id)
        .values(**values, updated_at=func.now())
        .returning(saved_searches)
    )
    return _returning(session, statement)


def _returning(session, statement):
    """Run an insert/update; None if the owner already has a search of that name (unique index)."""
    try:
        with session.begin_nested():
            return dict(session.execute(statement).one()._mapping)
    except IntegrityError:
        return None


def delete_search(session, search_id):
    session.execute(delete(saved_searches).where(saved_searches.c.id == search_id))


def count_matches(session, plan, conditions):
    """(n, match): contacts matching like the search's first page, counted up to COUNT_CAP + 1.

    Exact matches are counted; when a text search has none, the typo-tolerant ones are, as the
    list then shows those. A LIMIT inside the count keeps it bounded at any table size.
    """
    plan_for_parameters(session)
    # The list's own condition (the nearest dictionary words of every term when nothing matches exactly),
    # not the raw trigram similarity against search_text, which found contacts the list never showed.
    condition, match = contact_storage.listed_condition(session, plan, conditions)
    return _bounded_count(session, [condition, *conditions]), match


def _bounded_count(session, conditions):
    matches = select(literal(1)).select_from(contacts).where(*conditions).limit(COUNT_CAP + 1)
    return session.execute(select(func.count()).select_from(matches.subquery("matches"))).scalar_one()


def visible_search(session, actor, search_id, for_update=False):
    parsed = contact_storage.parse_id(search_id)
    search = get(session, parsed, for_update) if parsed else None
    if search is None or not rules.visible_to(search, actor):
        raise NotFound(f"No saved search with id {search_id}.", {"id": str(search_id)})
    return search
