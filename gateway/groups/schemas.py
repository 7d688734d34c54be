"""The OpenAPI schemas of the groups API routes (issue 11 item 4): the shapes their
@api_operation declarations name as `schemas.<Name>`; a name imported "as" itself is re-exported for them."""

from marshmallow import Schema, fields

from services.contacts.groups.contract import Group as Group
from services.contacts.groups.contract import GroupInput as GroupInput
from services.contacts.groups.contract import GroupTree as GroupTree
from services.contacts.groups.contract import MemberPage as MemberPage
from services.contacts.groups.contract import MembershipChange as MembershipChange
from services.contacts.groups.contract import MembersInput as MembersInput
from services.contacts.groups.contract import RemoveMembersInput as RemoveMembersInput
from services.contacts.groups.contract import SearchMembersInput as SearchMembersInput
from services.contacts.groups.contract import SearchRemoveInput as SearchRemoveInput


class MatchingChange(Schema):
    """The counts of an "all N results" change (issue 13 item 4): how many the search found and what was
    done to them; the people themselves are in the audit record and the group's members."""

    group_id = fields.UUID(required=True)
    matched = fields.Integer(required=True, metadata={"description": "How many contacts the search found."})
    added = fields.Integer(metadata={"description": "members:add-matching: how many were added."})
    ended = fields.Integer(metadata={"description": "members:end-matching: how many memberships ended."})
    skipped = fields.Integer(
        required=True,
        metadata={"description": "Already active members (add) or not direct members (end)."},
    )


class GroupsListQuery(Schema):
    include_archived = fields.Boolean(metadata={"default": False})
    max_depth = fields.Integer(
        metadata={
            "minimum": 0,
            "maximum": 100,
            "description": "Only the top levels (0: top-level groups); a group at the limit tells how many subgroups it has in more_subgroups",  # noqa: E501
        }
    )


class GroupsMembersQuery(Schema):
    include_subgroups = fields.Boolean(metadata={"default": True})
    active_on = fields.Date(metadata={"description": "Members on this day (default today)."})
    limit = fields.Integer(metadata={"minimum": 1, "maximum": 200, "default": 25})
    cursor = fields.String(metadata={"description": "next_cursor of the previous page (of the same sort)"})
    sort = fields.String(
        metadata={
            "enum": ["name", "email", "city", "birth_date", "created_at", "updated_at"],
            "description": "Order (default: name); text in Finnish order (Å, Ä, Ö after Z); rows without "
            "the value last.",
        }
    )
    direction = fields.String(metadata={"enum": ["asc", "desc"], "default": "asc"})
