"""All SQL of G5: retention rules, the past-retention conditions, page, count and per-contact facts.

Each enabled rule is one range of an index in "since" order (see branch()); the page merges the rules'
ranges, so a page costs the same at 1M contacts as at 1,000, and the count reads only those indexes.
"""

import uuid

from sqlalchemy import delete, exists, func, insert, select, tuple_, union, update

from services.contacts.models import contacts, erasures, retention_activity, retention_rules
from services.contacts.retention.rules import last_qualifying_day
from services.contacts.storage import SUMMARY_COLUMNS


def _dicts(rows):
    return [dict(row._mapping) for row in rows]


# --- rules ------------------------------------------------------------------------------------------


def rules_all(session, enabled_only=False):
    query = select(retention_rules).order_by(retention_rules.c.created_at, retention_rules.c.id)
    if enabled_only:
        query = query.where(retention_rules.c.enabled.is_(True))
    return _dicts(session.execute(query))


def get_rule(session, rule_id, for_update=False):
    query = select(retention_rules).where(retention_rules.c.id == rule_id)
    if for_update:
        query = query.with_for_update()
    row = session.execute(query).first()
    return dict(row._mapping) if row else None


def insert_rule(session, values):
    return dict(
        session.execute(insert(retention_rules).values(**values).returning(*retention_rules.c)).one()._mapping
    )


def update_rule(session, rule_id, values):
    query = (
        update(retention_rules)
        .where(retention_rules.c.id == rule_id)
        .values(**values, updated_at=func.now())
        .returning(*retention_rules.c)
    )
    return dict(session.execute(query).one()._mapping)


def delete_rule(session, rule_id):
    session.execute(delete(retention_rules).where(retention_rules.c.id == rule_id))


# --- who is past retention ---------------------------------------------------------------------------
#
# Each rule is a "branch": contacts in the order of the date its "since" is counted from (``on``), read
# as one range of an index. ``inactive``: retention_activity.activity_on (index retention_activity_on,
# kept by triggers, migration 0015); ``deceased``: contacts.deceased_on (index contacts_deceased).


def branch(rule, today, scope_for=None, only_ids=None):
    """(select of ``id`` and ``on`` past retention under ``rule``, its ``on`` column, its id column)."""
    last = last_qualifying_day(today, rule["config"]["years"])
    if rule["kind"] == "deceased":
        on, key = contacts.c.deceased_on, contacts.c.id
        query = select(key.label("id"), on.label("on")).where(on.is_not(None), on <= last)
    else:
        on, key = retention_activity.c.activity_on, retention_activity.c.contact_id
        query = select(key.label("id"), on.label("on")).where(on.is_not(None), on <= last)
    query = query.where(~exists().where(erasures.c.contact_id == key))
    if scope_for is not None:
        query = query.where(*scope_for(key))
    if only_ids is not None:
        query = query.where(key.in_(only_ids))
    return query, on, key


def branch_rows(session, rule, today, limit, after=None, scope_for=None):
    """Up to ``limit`` (id, on) of one branch after ``after`` = (on, id), in (on, id) order."""
    query, on, key = branch(rule, today, scope_for)
    if after is not None:
        query = query.where(tuple_(on, key) > tuple_(after[0], after[1]))
    return _dicts(session.execute(query.order_by(on, key).limit(limit)))


def _union(rules, today, scope_for=None, only_ids=None):
    return union(*(branch(rule, today, scope_for, only_ids)[0] for rule in rules)).subquery()


def past_count(session, rules, today, scope_for=None, only_ids=None):
    """How many distinct contacts are past retention under any of ``rules``."""
    if not rules:
        return 0
    both = _union(rules, today, scope_for, only_ids)
    return session.execute(select(func.count(func.distinct(both.c.id)))).scalar_one()


def past_ids(session, rules, today, limit, scope_for=None, only_ids=None):
    """Up to ``limit`` distinct ids past retention under any of ``rules`` (of ``only_ids`` if given)."""
    if not rules:
        return []
    both = _union(rules, today, scope_for, only_ids)
    query = select(both.c.id).distinct().order_by(both.c.id).limit(limit)
    return session.execute(query).scalars().all()


def summaries(session, contact_ids):
    """{id: summary row} of these contacts (names, kind, deceased, updated_at)."""
    if not contact_ids:
        return {}
    query = select(*SUMMARY_COLUMNS, contacts.c.updated_at).where(contacts.c.id.in_(list(contact_ids)))
    return {row["id"]: row for row in _dicts(session.execute(query))}


def facts_of(session, contact_ids):
    """{contact id: {activity_on, deceased_on, updated_at}} for rules.past_retention_on."""
    ids = [uuid.UUID(str(contact_id)) for contact_id in contact_ids]
    if not ids:
        return {}
    query = (
        select(contacts.c.id, contacts.c.updated_at, contacts.c.deceased_on, retention_activity.c.activity_on)
        .join_from(
            contacts, retention_activity, retention_activity.c.contact_id == contacts.c.id, isouter=True
        )
        .where(contacts.c.id.in_(ids))
    )
    return {row["id"]: row for row in _dicts(session.execute(query))}
