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


def search(session, plan, limit, position):
    """One page of contacts for a SearchPlan: exact matches in name order with keyset paging,
    or, when nothing matches exactly, typo-tolerant matches ranked by similarity."""
    if position is None or position["m"] == "k":
        items, next_position = _exact_page(session, plan, limit, position)
        if items or position is not None or plan.mode != "text":
            return items, next_position, "exact"
        position = {"m": "f", "o": 0}
    items, next_position = _fuzzy_page(session, plan, limit, position)
    return items, next_position, "fuzzy"


def _exact_condition(plan):
    if plan.mode == "email":
        return contacts.c.email_norm.like(plan.email_prefix.replace("%", "\\%").replace("_", "\\_") + "%")
    if plan.mode == "phone":
        return contacts.c.phone.like(plan.phone_prefix + "%")
    if plan.mode == "text":
        return and_(
            *(contacts.c.search_text.like(func.piiri_norm(like_pattern(term))) for term in plan.terms)
        )
    return literal(True)


def _exact_page(session, plan, limit, position):
    query = select(*SUMMARY_COLUMNS, contacts.c.sort_name).where(_exact_condition(plan))
    if position:
        query = query.where(
            tuple_(contacts.c.sort_name, contacts.c.id)
            > tuple_(literal(position["s"]), literal(uuid.UUID(position["i"])))
        )
    query = query.order_by(contacts.c.sort_name, contacts.c.id).limit(limit + 1)
    rows = session.execute(query).all()
    items = [_summary(row) for row in rows[:limit]]
    next_position = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_position = {"m": "k", "s": last.sort_name, "i": str(last.id)}
    return items, next_position


FUZZY_THRESHOLD = 0.45  # pg_trgm word similarity; 'aijla' still finds 'Äijälä'


def _fuzzy_page(session, plan, limit, position):
    session.execute(text(f"SET LOCAL pg_trgm.word_similarity_threshold = {FUZZY_THRESHOLD}"))
    terms = [func.piiri_norm(term) for term in plan.terms]
    score = sum((func.word_similarity(term, contacts.c.search_text) for term in terms), literal(0.0))
    query = (
        select(*SUMMARY_COLUMNS)
        .where(and_(*(term.op("<%")(contacts.c.search_text) for term in terms)))
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
