"""All SQL of automations (C8): definitions, the run history with its exactly-once claim, and who a trigger
reaches (members of a group, dates that hit a day)."""

import uuid
from datetime import timedelta

from sqlalchemy import (
    Date,
    and_,
    cast,
    delete,
    exists,
    extract,
    func,
    insert,
    or_,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert

from piiri.collation import finnish
from piiri.errors import ValidationFailed
from services.contacts.automations import rules
from services.contacts.groups.storage import member_condition
from services.contacts.groups.tree import ancestor_ids
from services.contacts.models import (
    automation_runs,
    automations,
    contacts,
    custom_fields,
    custom_values,
    groups,
    memberships,
)
from services.contacts.storage import SUMMARY_COLUMNS, display_name

COLUMNS = list(automations.c)


def _dict(row):
    return dict(row._mapping) if row is not None else None


def list_automations(session):
    return [
        _dict(row)
        for row in session.execute(select(*COLUMNS).order_by(finnish(automations.c.name), automations.c.id))
    ]


def get_automation(session, automation_id, for_update=False):
    query = select(*COLUMNS).where(automations.c.id == automation_id)
    if for_update:
        query = query.with_for_update()
    return _dict(session.execute(query).first())


def lock_definitions(session):
    """Serialise changes to definitions so two concurrent changes cannot close a loop together."""
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": 0x6175746F6D})


def insert_automation(session, values, created_by):
    row = session.execute(
        insert(automations).values(**values, created_by=created_by).returning(*COLUMNS)
    ).one()
    return _dict(row)


def update_automation(session, automation_id, values):
    row = session.execute(
        update(automations)
        .where(automations.c.id == automation_id)
        .values(**values, updated_at=func.now())
        .returning(*COLUMNS)
    ).one()
    return _dict(row)


def delete_automation(session, automation_id):
    session.execute(delete(automations).where(automations.c.id == automation_id))


def enabled_with_trigger(session, trigger_type):
    query = select(*COLUMNS).where(automations.c.enabled, automations.c.trigger_type == trigger_type)
    return [_dict(row) for row in session.execute(query)]


def group_paths(session, ids=None):
    """{group id (str): path} of the given groups (all when None)."""
    query = select(groups.c.id, groups.c.path)
    if ids is not None:
        query = query.where(groups.c.id.in_([uuid.UUID(str(item)) for item in ids]))
    return {str(row.id): row.path for row in session.execute(query)}


def group_names(session, ids):
    ids = [uuid.UUID(str(item)) for item in ids if item]
    if not ids:
        return {}
    return {
        str(row.id): row.name
        for row in session.execute(select(groups.c.id, groups.c.name).where(groups.c.id.in_(ids)))
    }


# --- runs ----------------------------------------------------------------------------------------------


def claim_run(session, automation_id, trigger_key, contact_id, detail):
    """Insert the run (outcome 'running' until finished); None if this trigger already ran (exactly once)."""
    row = session.execute(
        pg_insert(automation_runs)
        .values(
            automation_id=automation_id,
            trigger_key=trigger_key,
            contact_id=contact_id,
            outcome="running",
            detail=detail,
        )
        .on_conflict_do_nothing(constraint="automation_runs_once")
        .returning(automation_runs.c.id)
    ).first()
    return row.id if row else None


def finish_run(session, run_id, outcome, detail):
    session.execute(
        update(automation_runs).where(automation_runs.c.id == run_id).values(outcome=outcome, detail=detail)
    )


def runs_page(session, automation_id, limit, position):
    """Newest first (keyset on ran_at, id), with the contact's name and the automation's name."""
    query = (
        select(
            automation_runs,
            automations.c.name.label("automation_name"),
            contacts.c.kind,
            contacts.c.first_name,
            contacts.c.preferred_name,
            contacts.c.last_name,
            contacts.c.organisation_name,
        )
        .join_from(automation_runs, automations, automations.c.id == automation_runs.c.automation_id)
        .outerjoin(contacts, contacts.c.id == automation_runs.c.contact_id)
    )
    if automation_id is not None:
        query = query.where(automation_runs.c.automation_id == automation_id)
    if position:
        query = query.where(
            tuple_(automation_runs.c.ran_at, automation_runs.c.id)
            < tuple_(cast(position["t"], automation_runs.c.ran_at.type), uuid.UUID(position["i"]))
        )
    rows = session.execute(
        query.order_by(automation_runs.c.ran_at.desc(), automation_runs.c.id.desc()).limit(limit + 1)
    ).all()
    items = []
    for row in rows[:limit]:
        data = dict(row._mapping)
        data["contact_name"] = display_name(data) if data["contact_id"] and data["kind"] else None
        items.append(data)
    next_position = None
    if len(rows) > limit:
        last = items[-1]
        next_position = {"t": last["ran_at"].isoformat(), "i": str(last["id"])}
    return items, next_position


def last_runs(session, automation_ids):
    """{automation id: its newest run's ran_at and outcome} and {automation id: run count}."""
    if not automation_ids:
        return {}
    latest = (
        select(
            automation_runs.c.automation_id,
            func.max(automation_runs.c.ran_at).label("last_ran_at"),
            func.count().label("runs"),
        )
        .where(automation_runs.c.automation_id.in_(automation_ids))
        .group_by(automation_runs.c.automation_id)
    )
    return {
        row.automation_id: {"last_ran_at": row.last_ran_at, "runs": row.runs}
        for row in session.execute(latest)
    }


# --- who a trigger reaches ----------------------------------------------------------------------------


def _page(session, condition, limit, extra=()):
    total = session.execute(select(func.count()).select_from(contacts).where(condition)).scalar_one()
    rows = session.execute(
        select(*SUMMARY_COLUMNS, *extra)
        .where(condition)
        .order_by(contacts.c.sort_name, contacts.c.id)
        .limit(limit)
    ).all()
    items = [dict(row._mapping) for row in rows]
    for item in items:
        item["display_name"] = display_name(item)
    return total, items


def current_members(session, group, include_subgroups, on, limit, scope=()):
    """(count, first ``limit``) of the group's active members (with subgroups if asked), within ``scope``
    (the actor's data scope conditions, if any)."""
    condition = and_(member_condition(group["id"], on, include_subgroups, group["path"]), *scope)
    return _page(session, condition, limit)


def unpaid_condition(group, include_subgroups, on, paid_up):
    """The group's active members on ``on`` (with subgroups if asked) who are not ``paid_up`` (the SQL
    condition of paid-up membership for the trigger's period, paid_membership/storage.py)."""
    return and_(member_condition(group["id"], on, include_subgroups, group["path"]), ~paid_up)


def contact_ids(session, condition):
    """Every contact meeting ``condition``, in name order (the run of a grace-period trigger)."""
    query = select(contacts.c.id).where(condition).order_by(contacts.c.sort_name, contacts.c.id)
    return list(session.execute(query).scalars())


def date_expression(config, session):
    """(SQL date of the field for a contact, its presence condition) for date_reached; None if unknown."""
    field = config["field"]
    if field == "birth_date":
        return contacts.c.birth_date, contacts.c.birth_date.isnot(None)
    if field == "membership_ends":
        group_id = uuid.UUID(config["group_id"])
        in_group = and_(memberships.c.contact_id == contacts.c.id, memberships.c.group_id == group_id)
        ends = select(func.max(memberships.c.ends_on)).where(in_group).scalar_subquery()
        # A renewed (open-ended) membership means it does not end.
        open_ended = exists().where(in_group, memberships.c.ends_on.is_(None))
        return ends, and_(ends.isnot(None), ~open_ended)
    key = field.split(".", 1)[1]
    field_id = session.execute(
        select(custom_fields.c.id).where(
            custom_fields.c.key == key,
            custom_fields.c.field_type == "date",
            custom_fields.c.removed_at.is_(None),
        )
    ).scalar()
    if field_id is None:
        return None
    value = (
        select(cast(custom_values.c.value.op("#>>")(text("'{}'")), Date))
        .where(custom_values.c.contact_id == contacts.c.id, custom_values.c.field_id == field_id)
        .scalar_subquery()
    )
    return value, value.isnot(None)


def matching(session, condition, limit, scope=()):
    """(count, first ``limit`` contacts) meeting ``condition`` within ``scope``."""
    return _page(session, and_(condition, *scope), limit)


def date_hits(session, config, first_day, last_day, limit, scope=()):
    """Contacts whose field (+ offset) falls on a day in [first_day, last_day] (birth dates: yearly),
    as (count, first ``limit`` with their ``hit_on`` day), within ``scope`` (conditions, if any)."""
    found = date_expression(config, session)
    if found is None:
        return 0, []
    value, present = found
    offset = timedelta(days=config.get("offset_days") or 0)
    days = []
    day = first_day
    while day <= last_day:
        days.append(day - offset)  # the field's value that hits on ``day``
        day += timedelta(days=1)
    if config["field"] == "birth_date":
        month_days = sorted({(item.month, item.day) for item in days})
        condition = and_(
            present,
            or_(
                *(
                    and_(extract("month", value) == month, extract("day", value) == mday)
                    for month, mday in month_days
                )
            ),
        )
    else:
        condition = and_(present, value >= days[0], value <= days[-1])
    total, rows = _page(session, and_(condition, *scope), limit, extra=(value.label("field_value"),))
    for row in rows:
        row["hit_on"] = hit_day(config, row["field_value"], first_day, last_day)
    return total, rows


def hit_day(config, field_value, first_day, last_day):
    """The day in [first_day, last_day] on which this value (+ offset) hits, or None."""
    offset = timedelta(days=config.get("offset_days") or 0)
    if config["field"] != "birth_date":
        day = field_value + offset
        return day if first_day <= day <= last_day else None
    day = first_day
    while day <= last_day:
        base = day - offset
        if (base.month, base.day) == (field_value.month, field_value.day) and base >= field_value:
            return day
        day += timedelta(days=1)
    return None


# --- loops of automations over the group tree (shared with the groups' moves) ------------------------


def current_loop(session):
    """The loop the enabled automations form over the tree as it is now in ``session``, or None."""
    paths = group_paths(session)
    return rules.find_loop(
        list_automations(session),
        lambda group_id: set(ancestor_ids(paths.get(str(group_id), ""))[:-1]),
    )


def check_moved_tree(session, loop_before, field="parent_id"):
    """After a group moved (the subtree's ancestors changed, in this transaction): refuse the move
    (ValidationFailed naming the automations) if the enabled automations now form a loop they did
    not form before. Call with ``loop_before`` = current_loop() taken under lock_definitions()."""
    loop = current_loop(session)
    if loop and not loop_before:
        names = rules.loop_names(loop)
        message = f"Moving the group would make a loop of automations: {names}."
        raise ValidationFailed(message, {field: [message]})
