"""The groups feature's contributions to the contact: get_contact's "groups" part and the search filters
``group_id`` (active members including subgroups) and ``direct_group_id`` (only direct members)."""

from piiri import clock
from piiri.collation import finnish_key
from piiri.errors import ValidationFailed
from services.contacts.advanced_search.rules import parse_bool, parse_date
from services.contacts.details import DetailPart
from services.contacts.filters import FilterSet
from services.contacts.groups import storage, tree
from services.contacts.groups.contract import ContactMembership
from services.contacts.storage import parse_id

MEMBERSHIP = ContactMembership()


def contact_groups(session, contact_id, read):
    """The contact's memberships, active ones first, each with its group's full name path."""
    on = clock.today()
    rows = storage.with_path_names(read["memberships"], read["ancestor_names"])
    items = [
        {
            "group_id": row["group_id"],
            "group_name": row["name"],
            "path_names": row["path_names"],
            "group_archived": row["archived_at"] is not None,
            "role": row["role"],
            "starts_on": row["starts_on"],
            "ends_on": row["ends_on"],
            "active": tree.is_active(row, on),
        }
        for row in rows
    ]
    items.sort(key=lambda item: (not item["active"], finnish_key(item["path_names"])))
    return MEMBERSHIP.dump(items, many=True)


def _group_id(name, value):
    parsed = parse_id(value)
    if parsed is None:
        raise ValidationFailed("groups.group_id_invalid", {name: ["groups.group_id_invalid"]})
    return parsed


def members_including_subgroups(value):
    return storage.member_condition(_group_id("group_id", value), clock.today(), include_subgroups=True)


def direct_members(value):
    return storage.member_condition(
        _group_id("direct_group_id", value), clock.today(), include_subgroups=False
    )


def member(value):
    """true: contacts with an active membership in some group today (the dashboard's members); false: none."""
    condition = storage.member_of_any_group(clock.today())
    return condition if parse_bool("member", value) else ~condition


def joined_from(value):
    """Contacts with a membership that started from this day to today (the dashboard's "joined")."""
    return storage.membership_started_between(parse_date("joined_from", value), clock.today())


def left_from(value):
    """Contacts with a membership that ended from this day to today (the dashboard's "left")."""
    return storage.membership_ended_between(parse_date("left_from", value), clock.today())


# What this module adds to the contact search (registries.py lists it).
FILTERS = FilterSet(
    filters={
        "group_id": members_including_subgroups,
        "direct_group_id": direct_members,
        "member": member,
        "joined_from": joined_from,
        "left_from": left_from,
    },
)


# This module's part of a contact's full record (registries.py lists it).
DETAIL = DetailPart(
    "groups",
    contact_groups,
    reads={"memberships": storage.MEMBERSHIPS, "ancestor_names": storage.ANCESTOR_NAMES},
)
