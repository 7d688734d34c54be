"""All SQL of the contacts service: reading, writing and searching contacts."""

import uuid

from sqlalchemy import and_, delete, func, insert, literal, select, text, tuple_, update

from services.contacts.models import contacts
from services.contacts.search import encode_cursor, like_pattern

CONTACT_COLUMNS = [
    column for column in contacts.c if column.name not in ("search_text", "sort_name", "email_norm")
]
SUMMARY_COLUMNS = [
    contacts.c[name]
    for name in (
        "id",
        "kind",
        "first_name",
        "preferred_name",
        "last_name",
        "organisation_name",
        "email",
        "phone",
        "city",
        "birth_date",
    )
]


def parse_id(contact_id):
    """A UUID, or None if the text is not one (an unknown id, answered with 404 by the caller)."""
    if isinstance(contact_id, uuid.UUID):
        return contact_id
    try:
        return uuid.UUID(str(contact_id))
    except ValueError:
        return None


def display_name(row):
    if row["kind"] == "organisation":
        return row.get("organisation_name") or ""
    first = row.get("preferred_name") or row.get("first_name")
    return " ".join(part for part in (first, row.get("last_name")) if part)


def as_dict(row):
    data = dict(row._mapping)
    data["display_name"] = display_name(data)
    return data


def get_contact(session, contact_id, for_update=False):
    query = select(*CONTACT_COLUMNS).where(contacts.c.id == contact_id)
    if for_update:
        query = query.with_for_update()
    row = session.execute(query).first()
    return as_dict(row) if row else None


def insert_contact(session, values):
    row = session.execute(insert(contacts).values(**values).returning(*CONTACT_COLUMNS)).one()
    return as_dict(row)


def update_contact(session, contact_id, values):
    row = session.execute(
        update(contacts)
        .where(contacts.c.id == contact_id)
        .values(**values, version=contacts.c.version + 1, updated_at=func.now())
        .returning(*CONTACT_COLUMNS)
    ).one()
    return as_dict(row)


def delete_contact(session, contact_id):
    session.execute(delete(contacts).where(contacts.c.id == contact_id))


def search(session, plan, limit, position, conditions=()):
    """One page of contacts for a SearchPlan: exact matches in name order with keyset paging,
    or, when nothing matches exactly, typo-tolerant matches ranked by similarity.

    ``conditions`` are the structured filters' conditions (filters.py), ANDed with the text.
    """
    # psycopg prepares a statement run 5 times on a connection, and PostgreSQL may then reuse one
    # generic plan for every search term. A generic plan cannot see the LIKE pattern (no trigram or
    # prefix index choice by term; piiri_norm(pattern) evaluated per row): plan each search afresh.
    session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    if position is None or position["m"] == "k":
        items, next_position = _exact_page(session, plan, limit, position, conditions)
        if items or position is not None or plan.mode != "text":
            return items, next_position, "exact"
        position = {"m": "f", "o": 0}
    items, next_position = _fuzzy_page(session, plan, limit, position, conditions)
    return items, next_position, "fuzzy"


def _exact_condition(plan):
    if plan.mode == "email":
        return contacts.c.email_norm.like(plan.email_prefix.replace("%", "\\%").replace("_", "\\_") + "%")
    if plan.mode == "phone":
        return contacts.c.phone.like(plan.phone_prefix + "%")
    if plan.mode == "text":
        return _text_condition(plan, contacts.c.search_text)
    return literal(True)


def _text_condition(plan, search_text):
    return and_(*(search_text.like(func.piiri_norm(like_pattern(term))) for term in plan.terms))


def _after(query, position):
    """Keyset paging: only rows after the last one of the previous page, in (sort_name, id) order."""
    if not position:
        return query
    return query.where(
        tuple_(contacts.c.sort_name, contacts.c.id)
        > tuple_(literal(position["s"]), literal(uuid.UUID(position["i"])))
    )


def _exact_page(session, plan, limit, position, conditions=()):
    if plan.mode == "text" and not conditions:
        rows = _text_rows(session, plan, limit, position)
    else:
        # With structured filters the planner weighs the filters' own indexes against the text's.
        query = select(*SUMMARY_COLUMNS, contacts.c.sort_name).where(_exact_condition(plan), *conditions)
        query = _after(query, position)
        rows = session.execute(query.order_by(contacts.c.sort_name, contacts.c.id).limit(limit + 1)).all()
    items = [_summary(row) for row in rows[:limit]]
    next_position = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_position = {"m": "k", "s": last.sort_name, "i": str(last.id)}
    return items, next_position


# How name search finds its page (see _text_rows); the measurements behind these are in bench/README.md.
FEW_MATCHES = 2_000  # estimated matches up to this: fetch them all through the trigram index
MANY_MATCHES = 50_000  # above this: matches are everywhere, walking the name-order index meets them
WALK_ROWS_PER_RESULT = 80  # in between: first walk this many index entries per wanted row ...
MAX_WALK_ROWS = 10_000  # ... but no more than this


def _text_rows(session, plan, limit, position):
    """The first limit + 1 name matches after ``position``, in (sort_name, id) order.

    Left to itself, PostgreSQL walks the name-order index and filters whenever it expects more
    than ~2,000 matches, assuming they are spread evenly through the alphabet. A surname's matches
    are not: at 1M contacts the first 'virtanen' lies ~940k entries into that walk (2-4 s). So the
    path is chosen here, from the planner's estimate of the number of matches:

    - few: fetch every match through the trigram index and sort them (OFFSET 0 keeps the planner
      from turning this back into the walk);
    - many (common substrings, short terms): walk the name-order index, which soon meets them;
    - in between: walk a bounded window of it; if that holds a page of matches (a later page of a
      surname, a first name), that is the page; otherwise fetch them all as for few.

    Every path gives the same rows in the same order as one plain query would.
    """
    columns = [*SUMMARY_COLUMNS, contacts.c.sort_name]
    condition = _text_condition(plan, contacts.c.search_text)
    estimate = _estimated_rows(session, select(literal(1)).select_from(contacts).where(condition))
    if estimate > FEW_MATCHES:
        window = None if estimate > MANY_MATCHES else min(WALK_ROWS_PER_RESULT * (limit + 1), MAX_WALK_ROWS)
        rows = _walk(session, plan, columns, limit, position, window)
        if len(rows) > limit or window is None:
            return rows
    matches = _after(select(*columns).where(condition), position).offset(0).subquery("matches")
    query = select(matches).order_by(matches.c.sort_name, matches.c.id).limit(limit + 1)
    return session.execute(query).all()


def _walk(session, plan, columns, limit, position, window):
    """Name matches found by walking the name-order index (at most ``window`` entries, if given).

    The walk reads only id, sort_name and search_text (an index holding all three makes it an
    index-only scan); the page's summary columns are joined by id afterwards.
    """
    source = contacts
    if window is not None:
        source = (
            _after(select(contacts.c.id, contacts.c.sort_name, contacts.c.search_text), position)
            .order_by(contacts.c.sort_name, contacts.c.id)
            .limit(window)
            .subquery("walk")
        )
    hits = select(source.c.id, source.c.sort_name).where(_text_condition(plan, source.c.search_text))
    if window is None:
        hits = _after(hits, position)
    hits = hits.order_by(source.c.sort_name, source.c.id).limit(limit + 1).subquery("hits")
    query = select(*columns).join_from(hits, contacts, contacts.c.id == hits.c.id)
    return session.execute(query.order_by(hits.c.sort_name, hits.c.id)).all()


def _estimated_rows(session, query):
    """The planner's estimate of how many rows ``query`` returns (EXPLAIN, nothing is run)."""
    compiled = query.compile(dialect=session.get_bind().dialect)
    plan = (
        session.connection()
        .exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params)
        .scalar_one()
    )
    return plan[0]["Plan"]["Plan Rows"]


FUZZY_THRESHOLD = 0.45  # pg_trgm word similarity; 'aijla' still finds 'Äijälä'


def _fuzzy_page(session, plan, limit, position, conditions=()):
    session.execute(text(f"SET LOCAL pg_trgm.word_similarity_threshold = {FUZZY_THRESHOLD}"))
    terms = [func.piiri_norm(term) for term in plan.terms]
    score = sum((func.word_similarity(term, contacts.c.search_text) for term in terms), literal(0.0))
    query = (
        select(*SUMMARY_COLUMNS)
        .where(*(term.op("<%")(contacts.c.search_text) for term in terms), *conditions)
        .order_by(score.desc(), contacts.c.sort_name, contacts.c.id)
        .offset(position["o"])
        .limit(limit + 1)
    )
    rows = session.execute(query).all()
    next_position = {"m": "f", "o": position["o"] + limit} if len(rows) > limit else None
    return [_summary(row) for row in rows[:limit]], next_position


def _summary(row):
    data = dict(row._mapping)
    data.pop("sort_name", None)
    return {
        "id": data["id"],
        "kind": data["kind"],
        "display_name": display_name(data),
        "email": data["email"],
        "phone": data["phone"],
        "city": data["city"],
        "birth_date": data["birth_date"],
    }


def cursor_for(position):
    return encode_cursor(position) if position else None


def count_contacts(session):
    return session.execute(select(func.count()).select_from(contacts)).scalar_one()


def ping(session):
    return session.execute(text("SELECT 1")).scalar_one() == 1
