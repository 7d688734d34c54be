"""All SQL of groups and memberships (C7): the tree by materialised path, memberships, member pages."""

import uuid

from sqlalchemy import and_, cast, exists, func, insert, literal, or_, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID

from piiri import clock
from piiri.collation import finnish
from piiri.db import plan_for_parameters
from piiri.errors import NotFound
from piiri.json_reads import Read
from services.contacts import scopes
from services.contacts.groups.tree import ancestor_ids, path_names
from services.contacts.models import (
    contacts,
    group_member_counts_day,
    groups,
    memberships,
)
from services.contacts.models import group_member_counts as counts_table
from services.contacts.storage import SUMMARY_COLUMNS, display_name, parse_id

GROUP_COLUMNS = list(groups.c)
TREE_LOCK = 0x67726F757073  # one advisory lock for every change to the tree's shape or names


def lock_tree(session):
    """Serialise changes to the tree (create, rename, move, archive) so no two make a cycle or a twin."""
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": TREE_LOCK})


def _group(row):
    data = dict(row._mapping)
    data["archived"] = data["archived_at"] is not None
    return data


def get_group(session, group_id, for_update=False):
    query = select(*GROUP_COLUMNS).where(groups.c.id == group_id)
    if for_update:
        query = query.with_for_update()
    row = session.execute(query).first()
    return _group(row) if row else None


def names_by_id(session, ids):
    ids = {uuid.UUID(str(group_id)) for group_id in ids}
    if not ids:
        return {}
    rows = session.execute(select(groups.c.id, groups.c.name).where(groups.c.id.in_(ids))).all()
    return {str(row.id): row.name for row in rows}


def with_names(session, group):
    """The group with its ancestors ({id, name} from the root) and its full name path."""
    names = names_by_id(session, ancestor_ids(group["path"]))
    ancestors = [
        {"id": group_id, "name": names.get(group_id, "?")} for group_id in ancestor_ids(group["path"])[:-1]
    ]
    return {**group, "ancestors": ancestors, "path_names": path_names(group["path"], names)}


def children_of(session, group_id, include_archived=False):
    query = select(groups.c.id, groups.c.name).where(groups.c.parent_id == group_id)
    if not include_archived:
        query = query.where(groups.c.archived_at.is_(None))
    return [
        dict(row._mapping) for row in session.execute(query.order_by(finnish(groups.c.name), groups.c.id))
    ]


def sibling_names(session, parent_id, exclude_id=None):
    """Names of the non-archived groups directly under ``parent_id`` (None: the top level)."""
    parent = groups.c.parent_id.is_(None) if parent_id is None else groups.c.parent_id == parent_id
    query = select(groups.c.name).where(parent, groups.c.archived_at.is_(None))
    if exclude_id is not None:
        query = query.where(groups.c.id != exclude_id)
    return session.execute(query).scalars().all()


def insert_group(session, group_id, parent_id, name, description, path):
    row = session.execute(
        insert(groups)
        .values(id=group_id, parent_id=parent_id, name=name, description=description, path=path)
        .returning(*GROUP_COLUMNS)
    ).one()
    return _group(row)


def update_group(session, group_id, values):
    row = session.execute(
        update(groups)
        .where(groups.c.id == group_id)
        .values(**values, updated_at=func.now())
        .returning(*GROUP_COLUMNS)
    ).one()
    return _group(row)


def move_subtree(session, group_id, new_parent_id, old_path, new_path):
    """Re-root the subtree at ``old_path`` to ``new_path`` in one UPDATE; returns the subtree's ids."""
    session.execute(update(groups).where(groups.c.id == group_id).values(parent_id=new_parent_id))
    rows = session.execute(
        update(groups)
        .where(groups.c.path.like(old_path + "%"))
        .values(path=literal(new_path) + func.substr(groups.c.path, len(old_path) + 1), updated_at=func.now())
        .returning(groups.c.id)
    )
    return [row.id for row in rows]


def set_archived(session, path, archived):
    """Archive (or restore) every group of the subtree at ``path``; returns the ids that changed."""
    subtree = groups.c.path.like(path + "%")
    if archived:
        query = update(groups).where(subtree, groups.c.archived_at.is_(None)).values(archived_at=func.now())
    else:
        query = update(groups).where(subtree, groups.c.archived_at.is_not(None)).values(archived_at=None)
    rows = session.execute(query.values(updated_at=func.now()).returning(groups.c.id))
    return [row.id for row in rows]


def all_groups(session, include_archived=False, max_depth=None):
    """Every group (not archived ones unless asked); with ``max_depth`` only those at most that many
    levels below a top-level group (depth from the path's '/' count, one scan of groups)."""
    query = select(*GROUP_COLUMNS)
    if not include_archived:
        query = query.where(groups.c.archived_at.is_(None))
    if max_depth is not None:
        slashes = func.length(groups.c.path) - func.length(func.replace(groups.c.path, "/", ""))
        query = query.where(slashes <= max_depth + 2)
    return [_group(row) for row in session.execute(query)]


def child_counts(session, parent_ids, include_archived=False):
    """{group id: number of its subgroups} for the given groups (those with none are left out)."""
    if not parent_ids:
        return {}
    query = select(groups.c.parent_id, func.count()).where(groups.c.parent_id.in_(parent_ids))
    if not include_archived:
        query = query.where(groups.c.archived_at.is_(None))
    return dict(session.execute(query.group_by(groups.c.parent_id)).all())


def active_on(on, table=memberships):
    """A membership is active on day ``on`` if it started by then and had not yet ended."""
    return and_(table.c.starts_on <= on, or_(table.c.ends_on.is_(None), table.c.ends_on > on))


def member_counts(session, on):
    """({group id: distinct active direct members}, {group id: distinct active members incl. subgroups}).

    Two queries for the whole tree: the second counts each membership once for every group on its
    group's path (string_to_array of the path), so no query per group.
    """
    direct = session.execute(
        select(memberships.c.group_id, func.count(func.distinct(memberships.c.contact_id)))
        .where(active_on(on))
        .group_by(memberships.c.group_id)
    ).all()
    total = session.execute(
        text(
            "SELECT ancestor::uuid, count(DISTINCT m.contact_id) FROM memberships m"
            " JOIN groups g ON g.id = m.group_id"
            " CROSS JOIN LATERAL unnest(string_to_array(trim(both '/' from g.path), '/')) AS ancestor"
            " WHERE m.starts_on <= :on AND (m.ends_on IS NULL OR m.ends_on > :on)"
            " GROUP BY ancestor"
        ),
        {"on": on},
    ).all()
    return {row[0]: row[1] for row in direct}, {row[0]: row[1] for row in total}


def counted_day(session, today):
    """The day the stored counts (group_member_counts) are for, rolled forward to ``today`` if older.

    Rolling re-counts only the people whose memberships started or ended in between, and is
    committed at once so that the next view finds the counts current. If they were never counted
    (a new or emptied table), they are counted now. Never rolled past today: another day's counts
    (``?on=``) are counted live.
    """
    day = session.execute(select(group_member_counts_day.c.counted_on)).scalar()
    if day is None or day < today:
        day = session.execute(select(func.piiri_group_counts_roll(today))).scalar()
        session.commit()
    return day


def stored_member_counts(session, on, group=None, group_ids=None):
    """The same as member_counts() (of every group, or of ``group`` only), read from
    group_member_counts when ``on`` is today and they are for today; counted live otherwise."""
    if on != clock.today() or counted_day(session, on) != on:
        if group is None:
            return member_counts(session, on)
        direct, total = group_member_counts(session, group, on)
        return {group["id"]: direct}, {group["id"]: total}
    query = select(counts_table)
    if group is not None:
        query = query.where(counts_table.c.group_id == group["id"])
    elif group_ids is not None:
        query = query.where(counts_table.c.group_id.in_(group_ids))
    rows = session.execute(query).all()
    return (
        {row.group_id: row.direct_members for row in rows},
        {row.group_id: row.all_members for row in rows},
    )


def group_member_counts(session, group, on):
    """(active direct members, distinct active members including subgroups) of one group."""
    direct = session.execute(
        select(func.count(func.distinct(memberships.c.contact_id))).where(
            memberships.c.group_id == group["id"], active_on(on)
        )
    ).scalar_one()
    total = session.execute(
        select(func.count(func.distinct(memberships.c.contact_id)))
        .join_from(memberships, groups, groups.c.id == memberships.c.group_id)
        .where(groups.c.path.like(group["path"] + "%"), active_on(on))
    ).scalar_one()
    return direct, total


def existing_contact_ids(session, contact_ids):
    rows = session.execute(select(contacts.c.id).where(contacts.c.id.in_(contact_ids)))
    return {row.id for row in rows}


MEMBERSHIP_COLUMNS = (
    memberships.c.id,
    memberships.c.group_id,
    memberships.c.contact_id,
    memberships.c.role,
    memberships.c.starts_on,
    memberships.c.ends_on,
)
# When a membership began or ended: the writing transaction's clock (PostgreSQL's now(), the clock an
# automation's created_at is read from), carried by member_joined/member_left as occurred_at.
CHANGED_AT = func.now().label("changed_at")


def add_memberships(session, group_id, contact_ids, role, starts_on, ends_on):
    """New memberships for everyone not already a member from ``starts_on`` on; one INSERT … SELECT."""
    ids = select(func.unnest(literal(list(contact_ids), type_=_uuid_array())).label("contact_id")).subquery()
    already = exists().where(
        memberships.c.group_id == group_id,
        memberships.c.contact_id == ids.c.contact_id,
        or_(memberships.c.ends_on.is_(None), memberships.c.ends_on > starts_on),
    )
    source = select(
        literal(group_id, type_=groups.c.id.type),
        ids.c.contact_id,
        literal(role, type_=memberships.c.role.type),
        literal(starts_on, type_=memberships.c.starts_on.type),
        literal(ends_on, type_=memberships.c.ends_on.type),
    ).where(~already)
    rows = session.execute(
        insert(memberships)
        .from_select(["group_id", "contact_id", "role", "starts_on", "ends_on"], source)
        .returning(*MEMBERSHIP_COLUMNS, CHANGED_AT)
    )
    return [dict(row._mapping) for row in rows]


def end_memberships(session, group_id, contact_ids, ends_on):
    """End every direct membership of these people that is open on ``ends_on`` (never before its start)."""
    rows = session.execute(
        update(memberships)
        .where(
            memberships.c.group_id == group_id,
            memberships.c.contact_id.in_(contact_ids),
            or_(memberships.c.ends_on.is_(None), memberships.c.ends_on > ends_on),
        )
        .values(ends_on=func.greatest(memberships.c.starts_on, ends_on))
        .returning(*MEMBERSHIP_COLUMNS, CHANGED_AT)
    )
    return [dict(row._mapping) for row in rows]


def _uuid_array():
    from sqlalchemy.dialects.postgresql import ARRAY, UUID

    return ARRAY(UUID(as_uuid=True))


def member_condition(group_id, on, include_subgroups=True, subtree_path=None):
    """Contacts that are active members of the group (and, if asked, of any of its subgroups) on ``on``.

    With ``subtree_path`` the subgroups are found by an indexed prefix match on groups.path;
    otherwise by the group's id appearing in their path ('/…/<id>/…').
    """
    membership = and_(memberships.c.contact_id == contacts.c.id, active_on(on))
    if not include_subgroups:
        return exists().where(membership, memberships.c.group_id == group_id)
    if subtree_path is not None:
        in_subtree = groups.c.path.like(subtree_path + "%")
    else:
        in_subtree = groups.c.path.like(f"%/{uuid.UUID(str(group_id))}/%")
    return exists().where(membership, groups.c.id == memberships.c.group_id, in_subtree)


def member_of_any_group(on):
    """Contacts with an active membership in some group on ``on``."""
    return exists().where(memberships.c.contact_id == contacts.c.id, active_on(on))


def membership_started_between(first_day, last_day):
    """Contacts with a membership that started from ``first_day`` to ``last_day`` (memberships_starts)."""
    return exists().where(
        memberships.c.contact_id == contacts.c.id,
        memberships.c.starts_on >= first_day,
        memberships.c.starts_on <= last_day,
    )


def membership_ended_between(first_day, last_day):
    """Contacts with a membership that ended from ``first_day`` to ``last_day`` (memberships_ends)."""
    return exists().where(
        memberships.c.contact_id == contacts.c.id,
        memberships.c.ends_on >= first_day,
        memberships.c.ends_on <= last_day,
    )


def members_page(session, group, include_subgroups, on, limit, position, conditions=()):
    """One page of the members in name order (keyset paging on sort_name, id), and the next position;
    ``conditions`` (e.g. the actor's data scope) narrow the members."""
    # Paths hold only ids and '/', so they are safe LIKE prefixes; plan with the prefix seen (the index).
    plan_for_parameters(session)
    condition = member_condition(group["id"], on, include_subgroups, group["path"])
    query = select(*SUMMARY_COLUMNS, contacts.c.sort_name).where(condition, *conditions)
    if position:
        query = query.where(
            tuple_(contacts.c.sort_name, contacts.c.id)
            > tuple_(literal(position["s"]), literal(uuid.UUID(position["i"])))
        )
    rows = session.execute(query.order_by(contacts.c.sort_name, contacts.c.id).limit(limit + 1)).all()
    page = rows[:limit]
    direct = _direct_memberships(session, group["id"], [row.id for row in page], on)
    items = [_member(row, direct.get(row.id)) for row in page]
    next_position = None
    if len(rows) > limit:
        last = page[-1]
        next_position = {"s": last.sort_name, "i": str(last.id)}
    return items, next_position


def members_of(session, group_id, summaries, on):
    """Contact summaries (a sorted page) as members of the group: each with its direct membership, if any."""
    direct = _direct_memberships(session, group_id, [item["id"] for item in summaries], on)
    return [_member_of(item, direct.get(item["id"])) for item in summaries]


def _direct_memberships(session, group_id, contact_ids, on):
    if not contact_ids:
        return {}
    rows = session.execute(
        select(*MEMBERSHIP_COLUMNS).where(
            memberships.c.group_id == group_id, memberships.c.contact_id.in_(contact_ids), active_on(on)
        )
    )
    return {row.contact_id: dict(row._mapping) for row in rows}


def _member(row, membership):
    return _member_of(dict(row._mapping), membership, display_name(dict(row._mapping)))


def _member_of(data, membership, name=None):
    return {
        "id": data["id"],
        "kind": data["kind"],
        "display_name": name if name is not None else data["display_name"],
        "email": data["email"],
        "phone": data["phone"],
        "city": data["city"],
        "birth_date": data["birth_date"],
        "direct": membership is not None,
        "role": membership["role"] if membership else None,
        "starts_on": membership["starts_on"] if membership else None,
        "ends_on": membership["ends_on"] if membership else None,
    }


# A contact's memberships with their groups, and the names of those groups' ancestors: the two reads of
# the record's "groups" part (groups/parts.py), sent with the other parts' reads.
MEMBERSHIPS = Read(
    lambda contact_id: (
        select(*MEMBERSHIP_COLUMNS, groups.c.name, groups.c.path, groups.c.archived_at)
        .join_from(memberships, groups, groups.c.id == memberships.c.group_id)
        .where(memberships.c.contact_id == contact_id)
        .order_by(memberships.c.starts_on.desc(), finnish(groups.c.name))
    )
)
_ANCESTOR = groups.alias("ancestor")
_GROUP = groups.alias("member_group")
ANCESTOR_NAMES = Read(
    lambda contact_id: (
        select(_ANCESTOR.c.id, _ANCESTOR.c.name)
        .join_from(memberships, _GROUP, _GROUP.c.id == memberships.c.group_id)
        .join(
            _ANCESTOR,
            _ANCESTOR.c.id
            == func.any(
                cast(func.string_to_array(func.trim(_GROUP.c.path, "/"), "/"), ARRAY(PG_UUID(as_uuid=True)))
            ),
        )
        .where(memberships.c.contact_id == contact_id)
    ),
    shape=lambda rows: {str(row["id"]): row["name"] for row in rows},
)


def with_path_names(rows, names):
    """The memberships (MEMBERSHIPS) with their groups' full name paths, from ANCESTOR_NAMES."""
    return [{**row, "path_names": path_names(row["path"], names)} for row in rows]


def contact_memberships(session, contact_id):
    """Every membership of a contact with its group's name and full name path (two queries)."""
    return with_path_names(MEMBERSHIPS.run(session, contact_id), ANCESTOR_NAMES.run(session, contact_id))


# --- shared with the contact records and export rows ---------------------------------------------------


def membership_event(row):
    return {
        "membership_id": str(row["id"]),
        "group_id": str(row["group_id"]),
        "contact_id": str(row["contact_id"]),
        "role": row["role"],
        "starts_on": row["starts_on"].isoformat(),
        "ends_on": row["ends_on"].isoformat() if row["ends_on"] else None,
        **({"occurred_at": row["changed_at"].isoformat()} if row.get("changed_at") else {}),
    }


def existing_group(session, group_id, field="group_id", for_update=False):
    parsed = parse_id(group_id)
    group = get_group(session, parsed, for_update) if parsed else None
    if group is None:
        raise NotFound(f"No group with id {group_id}.", {field: str(group_id)})
    return group


def join_creator_scope(session, audit, outbox, actor, contact_id):
    """C6: a contact created by a scoped actor joins their scope group (scopes.creator_group), in the
    creation's transaction, audited and published like add_members; otherwise it would vanish."""
    group = scopes.creator_group(session, actor)
    if group is None:
        return None
    rows = add_memberships(session, group["id"], [contact_id], None, clock.today(), None)
    details = {
        "group_id": str(group["id"]),
        "group_name": group["name"],
        "role": None,
        "creator_scope": True,
    }
    audit.write(outbox, session, actor, "group.members_added", "contact", [contact_id], ("groups",), details)
    for row in rows:
        outbox.event(session, "member_joined", membership_event(row))
    return group
