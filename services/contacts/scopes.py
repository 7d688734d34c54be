"""Data scopes (C6): which contacts a scoped actor may see, as SQL, for every path of the contacts service.

A scoped actor (piiri.context.Actor.scoped) sees only the contacts that are current members of one of
their scope groups or of a subgroup of one: an EXISTS over memberships (index memberships_contact) and
groups.path prefixes (index groups_path). An actor that is not scoped sees every contact; a scoped actor
whose groups are all gone sees none. Out-of-scope contacts answer exactly as unknown ones (NotFound).
"""

import uuid

from sqlalchemy import exists, false, func, or_, select

from piiri import clock
from piiri.collation import finnish
from piiri.errors import NotFound, PermissionDenied
from services.contacts.models import contacts, groups, memberships


def _scope_paths(session, actor):
    ids = []
    for group_id in actor.scope_group_ids:
        try:
            ids.append(uuid.UUID(str(group_id)))
        except ValueError:
            continue
    if not ids:
        return []
    return session.execute(select(groups.c.path).where(groups.c.id.in_(ids))).scalars().all()


def creator_group(session, actor):
    """For a scoped actor creating a contact: the scope group (not archived) the new contact joins so
    that its creator keeps seeing it; the first by name when there are several. None if not scoped."""
    if not actor.scoped:
        return None
    ids = []
    for group_id in actor.scope_group_ids:
        try:
            ids.append(uuid.UUID(str(group_id)))
        except ValueError:
            continue
    row = session.execute(
        select(groups.c.id, groups.c.name)
        .where(groups.c.id.in_(ids), groups.c.archived_at.is_(None))
        .order_by(finnish(groups.c.name), groups.c.id)
        .limit(1)
    ).first()
    return dict(row._mapping) if row else None


def group_in_scope(session, actor, group):
    """True when ``group`` (a row with its ``path``) is one of the actor's scope groups or under one
    (always for an actor that is not scoped)."""
    if not actor.scoped:
        return True
    return any(group["path"].startswith(path) for path in _scope_paths(session, actor))


def require_group_in_scope(session, actor, group, field="group_id"):
    """PermissionDenied unless a scoped actor may put contacts in ``group`` (issue 12 item 7a): a
    contact in a group outside the scope would be shown to everyone who sees that group."""
    if not group_in_scope(session, actor, group):
        raise PermissionDenied(
            f"You can add contacts only to the groups of your scope; '{group['name']}' is outside it.",
            {field: ["contact.outside_scope"]},
        )


def member_of_paths(paths, contact_id=contacts.c.id, on=None):
    """Contacts (``contact_id``) that are current members of a group at or under one of ``paths``."""
    if not paths:
        return false()
    on = on or clock.today()
    # Aliases, so that the EXISTS never correlates with a memberships/groups of the outer query.
    # Paths hold only ids and '/', so they are safe LIKE prefixes (the text_pattern_ops index applies).
    member, group = memberships.alias("scope_m"), groups.alias("scope_g")
    return exists().where(
        member.c.contact_id == contact_id,
        member.c.starts_on <= on,
        or_(member.c.ends_on.is_(None), member.c.ends_on > on),
        group.c.id == member.c.group_id,
        or_(*(group.c.path.like(path + "%") for path in paths)),
    )


def scope_members(session, actor, on=None):
    """For a scoped actor: the select of the ids of the contacts in their scope (current members of a
    scope group or of a subgroup of one), driven from the scope groups' memberships, so that a count over
    the scope reads only the scope (the dashboard); None for an actor that is not scoped."""
    if not actor.scoped:
        return None
    paths = _scope_paths(session, actor)
    on = on or clock.today()
    member, group = memberships.alias("scope_m"), groups.alias("scope_g")
    return (
        select(member.c.contact_id)
        .join(group, group.c.id == member.c.group_id)
        .where(
            member.c.starts_on <= on,
            or_(member.c.ends_on.is_(None), member.c.ends_on > on),
            or_(*(group.c.path.like(path + "%") for path in paths)) if paths else false(),
        )
    )


def conditions(session, actor, contact_id=contacts.c.id):
    """[] for an unscoped actor, else [the condition that ``contact_id`` is in the actor's scope]."""
    if not actor.scoped:
        return []
    return [member_of_paths(_scope_paths(session, actor), contact_id)]


def condition(session, actor, contact_id=contacts.c.id):
    """The scope as one condition (TRUE-free: None when the actor is not scoped)."""
    found = conditions(session, actor, contact_id)
    return found[0] if found else None


def visible_ids(session, actor, contact_ids):
    """The subset of ``contact_ids`` (UUIDs) the actor may see."""
    contact_ids = {uuid.UUID(str(contact_id)) for contact_id in contact_ids if contact_id is not None}
    if not actor.scoped or not contact_ids:
        return contact_ids
    rows = session.execute(
        select(contacts.c.id).where(contacts.c.id.in_(contact_ids), *conditions(session, actor))
    )
    return {row.id for row in rows}


def require_visible(session, actor, contact_ids, label=None):
    """NotFound (as for an unknown id: no existence leak) unless the actor sees each of ``contact_ids``."""
    wanted = [uuid.UUID(str(contact_id)) for contact_id in contact_ids]
    if not actor.scoped:
        return
    seen = visible_ids(session, actor, wanted)
    for contact_id in wanted:
        if contact_id not in seen:
            raise NotFound(f"No contact with id {label or contact_id}.", {"id": str(label or contact_id)})


def filter_rows(session, actor, rows, key="id"):
    """The rows (dicts) whose ``key`` names a contact the actor may see (all of them when not scoped)."""
    if not actor.scoped:
        return list(rows)
    rows = list(rows)
    seen = visible_ids(session, actor, [row[key] for row in rows if row.get(key) is not None])
    return [row for row in rows if row.get(key) is not None and uuid.UUID(str(row[key])) in seen]


def member_counts(session, actor, on, group_ids=None):
    """For a scoped actor: ({group id: distinct in-scope active direct members}, {group id: … including
    subgroups}), for every group or those of ``group_ids``; two queries, like the unscoped counts."""
    from services.contacts.groups.storage import active_on

    in_scope = member_of_paths(_scope_paths(session, actor), memberships.c.contact_id, on)
    direct = select(memberships.c.group_id, func.count(func.distinct(memberships.c.contact_id))).where(
        active_on(on), in_scope
    )
    # Each membership counts once for every group on its group's path (no join on path prefixes).
    on_path = (
        select(
            func.unnest(func.string_to_array(func.btrim(groups.c.path, "/"), "/")).label("ancestor"),
            memberships.c.contact_id,
        )
        .join_from(memberships, groups, groups.c.id == memberships.c.group_id)
        .where(active_on(on), in_scope)
        .subquery("on_path")
    )
    total = select(on_path.c.ancestor, func.count(func.distinct(on_path.c.contact_id)))
    if group_ids is not None:
        direct = direct.where(memberships.c.group_id.in_(group_ids))
        total = total.where(on_path.c.ancestor.in_([str(group_id) for group_id in group_ids]))
    direct_rows = session.execute(direct.group_by(memberships.c.group_id)).all()
    total_rows = session.execute(total.group_by(on_path.c.ancestor)).all()
    return {row[0]: row[1] for row in direct_rows}, {uuid.UUID(row[0]): row[1] for row in total_rows}


# --- other contacts shown in a visible contact's record (get_contact's parts) ------------------------


def _couple_ids(part):
    couple = (part or {}).get("couple") or {}
    return [member["id"] for member in couple.get("members") or []]


def _without_hidden_partner(session, actor, contact_id, part, visible):
    if any(str(member_id) not in visible for member_id in _couple_ids(part)):
        return {**part, "couple": None}  # the partner is out of scope: the couple is not shown at all
    return part


def _affiliation_ids(part):
    people = ((part or {}).get("people") or {}).get("items") or []
    return [link["organisation_id"] for link in (part or {}).get("organisations") or []] + [
        link["person_id"] for link in people
    ]


def _visible_affiliations(session, actor, contact_id, part, visible):
    from services.contacts.affiliations.storage import NOT_ENDED
    from services.contacts.models import affiliations

    organisations = [
        link for link in part.get("organisations") or [] if str(link["organisation_id"]) in visible
    ]
    people = part.get("people")
    if people is not None:
        items = [link for link in people.get("items") or [] if str(link["person_id"]) in visible]
        count = session.execute(
            select(func.count(func.distinct(affiliations.c.person_id))).where(
                affiliations.c.organisation_id == contact_id,
                NOT_ENDED,
                *conditions(session, actor, affiliations.c.person_id),
            )
        ).scalar_one()
        people = {**people, "items": items, "count": count}
    return {**part, "organisations": organisations, "people": people}


def _link_ids(part):
    return [link["id"] for link in (part or {}).values()]


def _visible_links(session, actor, contact_id, part, visible):
    return {key: link for key, link in part.items() if str(link["id"]) in visible}


# part name -> (ids of the other contacts it shows, the part without those the actor may not see)
PART_FILTERS = {
    "custom_links": (_link_ids, _visible_links),
    "person": (_couple_ids, _without_hidden_partner),
    "affiliations": (_affiliation_ids, _visible_affiliations),
}


def visible_parts(session, actor, contact_id, parts):
    """get_contact's parts with the other contacts the (scoped) actor may not see left out (C6)."""
    if not actor.scoped:
        return parts
    shown = {name: ids(parts[name]) for name, (ids, _) in PART_FILTERS.items() if parts.get(name)}
    wanted = [shown_id for ids in shown.values() for shown_id in ids]
    visible = {str(shown_id) for shown_id in visible_ids(session, actor, wanted)}
    return {
        name: PART_FILTERS[name][1](session, actor, contact_id, part, visible) if name in shown else part
        for name, part in parts.items()
    }
