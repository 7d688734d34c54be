"""All SQL of round birthdays (C13): the settings row, the upcoming-birthdays query, the reminder days."""

from sqlalchemy import Date, cast, func, literal_column, select, union_all, update
from sqlalchemy.dialects.postgresql import insert

from services.contacts.models import birthday_reminders, birthday_settings, contacts
from services.contacts.storage import SUMMARY_COLUMNS, _summary

SETTINGS_ID = 1
# The migration's server defaults, used when the row is missing (a restored or emptied database).
DEFAULTS = {
    "round_ages": [50, 60, 70, 75, 80, 85, 90, 95, 100],
    "horizon_days": 60,
    "important_filters": {},
    "updated_at": None,
}


def get_settings(session, for_update=False):
    """The single settings row; with ``for_update`` it is created if missing and locked."""
    if for_update:
        session.execute(
            insert(birthday_settings).values(id=SETTINGS_ID).on_conflict_do_nothing(index_elements=["id"])
        )
    query = select(birthday_settings).where(birthday_settings.c.id == SETTINGS_ID)
    if for_update:
        query = query.with_for_update()
    row = session.execute(query).mappings().first()
    if row is None:
        return dict(DEFAULTS)
    return {key: row[key] for key in DEFAULTS}


def update_settings(session, values):
    row = (
        session.execute(
            update(birthday_settings)
            .where(birthday_settings.c.id == SETTINGS_ID)
            .values(**values, updated_at=func.now())
            .returning(birthday_settings)
        )
        .mappings()
        .one()
    )
    return {key: row[key] for key in DEFAULTS}


def _age_hits(age, earliest, latest, conditions, limit):
    """People turning ``age``: one range scan of contacts_birth_date, in birthday order, at most ``limit``."""
    age_sql = literal_column(str(int(age)))  # a validated integer, inlined so the plan sees a constant
    birthday = cast(contacts.c.birth_date + func.make_interval(age_sql), Date)
    return (
        select(
            contacts.c.id,
            contacts.c.sort_name,
            birthday.label("birthday"),
            age_sql.label("age"),
        )
        .where(
            contacts.c.birth_date.between(earliest, latest),
            contacts.c.kind == "person",
            contacts.c.deceased_on.is_(None),
            *conditions,
        )
        .order_by(contacts.c.birth_date, contacts.c.sort_name, contacts.c.id)
        .limit(limit)
    )


def upcoming_query(ranges, conditions, limit):
    """ONE statement: a UNION ALL of one indexed range per age, the first ``limit`` by birthday then
    name, joined back to contacts for the list columns of just those rows."""
    parts = [_age_hits(age, earliest, latest, conditions, limit) for age, earliest, latest in ranges]
    hits = union_all(*parts).subquery("hits")
    top = select(hits).order_by(hits.c.birthday, hits.c.sort_name, hits.c.id).limit(limit).subquery("top")
    return (
        select(*SUMMARY_COLUMNS, top.c.birthday, top.c.age)
        .join_from(contacts, top, contacts.c.id == top.c.id)
        .order_by(top.c.birthday, top.c.sort_name, top.c.id)
    )


def upcoming(session, ranges, conditions, limit):
    """Contact summaries with ``birthday`` and ``age``, in birthday then name order."""
    if not ranges:
        return []
    rows = session.execute(upcoming_query(ranges, conditions, limit)).all()
    items = []
    for row in rows:
        item = _summary(row)
        item["birthday"] = row.birthday
        item["age"] = row.age
        items.append(item)
    return items


def claim_reminder_day(session, day, contact_ids):
    """Record that ``day``'s reminder is sent; False if it already was (by this or another instance).

    Concurrent claims of one day wait on the primary key, so exactly one of them wins.
    """
    claimed = session.execute(
        insert(birthday_reminders)
        .values(day=day, contact_ids=list(contact_ids))
        .on_conflict_do_nothing(index_elements=["day"])
        .returning(birthday_reminders.c.day)
    ).first()
    return claimed is not None


def reminder_days(session):
    return session.execute(select(birthday_reminders).order_by(birthday_reminders.c.day)).mappings().all()
