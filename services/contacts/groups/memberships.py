"""Adding people to a group and ending their memberships (C7), for ticked ids and for "all results" of a
search (issue 13 item 4): the checks, the rows, one audit record and an event per membership, all in the
caller's transaction. Used by groups/rpc.py, which validates the input and owns the transaction."""

from piiri import clock
from piiri.errors import Conflict, ValidationFailed, coded
from services.contacts import scopes
from services.contacts import storage as contact_storage
from services.contacts.groups import storage, tree
from services.contacts.groups.contract import MAX_CONTACTS_PER_ACTION
from services.contacts.registries import SEARCH_FILTERS
from services.contacts.search import plan_search


def target_group(session, actor, group_id):
    """The group people are added to, locked: it exists, is not archived and is in the caller's scope."""
    group = storage.existing_group(session, group_id, for_update=True)
    if group["archived"]:
        raise ValidationFailed(
            "groups.add_to_archived",
            {"group_id": [coded("groups.group_archived", name=group["name"])]},
        )
    scopes.require_group_in_scope(session, actor, group)
    return group


def matching_ids(session, actor, values):
    """The ids of the contacts the contact list's search (``q``, ``filters``) shows this caller (filters
    checked, data scope applied), or why nothing may be done: nobody, more than MAX_CONTACTS_PER_ACTION,
    or not the ``expected_count`` the user was shown."""
    conditions = SEARCH_FILTERS.conditions(values["filters"], session, actor) + scopes.conditions(
        session, actor
    )
    ids, _ = contact_storage.listed_ids(
        session, plan_search(values["q"]), conditions, MAX_CONTACTS_PER_ACTION
    )
    if not ids:
        raise ValidationFailed("groups.nothing_matched", {"selection": ["groups.nothing_matched"]})
    if len(ids) > MAX_CONTACTS_PER_ACTION:
        raise ValidationFailed(
            "groups.too_many",
            {"selection": [coded("groups.too_many", max=MAX_CONTACTS_PER_ACTION)]},
            {"max": MAX_CONTACTS_PER_ACTION},
        )
    expected = values.get("expected_count")
    if expected is not None and expected != len(ids):
        raise Conflict("groups.selection_changed", {}, {"count": len(ids), "expected": expected})
    return ids


def selection_details(values, ids):
    """What the audit record says of a search selection: the search itself and how many it found."""
    return {"selection": {"query": values["q"], "filters": values["filters"], "count": len(ids)}}


def add(audit, outbox, session, actor, group, ids, values, details):
    """Add ``ids`` (existing contacts the caller may see) to a locked group from ``starts_on`` (default
    today): the memberships, one ``group.members_added`` audit record (with ``details``) and a
    member_joined event each; those already members from that day on are skipped."""
    starts_on = values.get("starts_on") or clock.today()
    tree.check_dates(starts_on, values.get("ends_on"))
    added = storage.add_memberships(
        session, group["id"], ids, values.get("role"), starts_on, values.get("ends_on")
    )
    added_ids = {row["contact_id"] for row in added}
    if added:
        audit.write(
            outbox,
            session,
            actor,
            "group.members_added",
            "contact",
            sorted(added_ids, key=str),
            fields=("groups",),
            details={
                "group_id": str(group["id"]),
                "group_name": group["name"],
                "role": values.get("role"),
                **details,
            },
        )
        for row in added:
            outbox.event(session, "member_joined", storage.membership_event(row))
    return {
        "group_id": group["id"],
        "added": [row["contact_id"] for row in added],
        "ended": [],
        "skipped": [contact_id for contact_id in ids if contact_id not in added_ids],
        "matched": len(ids),
    }


def end(audit, outbox, session, actor, group, ids, allowed, values, details):
    """End the direct memberships of ``allowed`` (of the ``ids`` named) in a locked group on ``ends_on``
    (default today): one ``group.members_removed`` audit record and a member_left event each; the rest
    are skipped."""
    ends_on = values.get("ends_on") or clock.today()
    ended = storage.end_memberships(session, group["id"], allowed, ends_on)
    ended_ids = {row["contact_id"] for row in ended}
    if ended:
        audit.write(
            outbox,
            session,
            actor,
            "group.members_removed",
            "contact",
            sorted(ended_ids, key=str),
            fields=("groups",),
            details={
                "group_id": str(group["id"]),
                "group_name": group["name"],
                "ends_on": ends_on.isoformat(),
                **details,
            },
        )
        for row in ended:
            outbox.event(session, "member_left", storage.membership_event(row))
    return {
        "group_id": group["id"],
        "added": [],
        "ended": sorted(ended_ids, key=str),
        "skipped": [contact_id for contact_id in ids if contact_id not in ended_ids],
        "matched": len(ids),
    }
