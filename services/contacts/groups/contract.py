"""The groups part of the contacts service's published contract (version 1): RPC inputs, results, events."""

from marshmallow import ValidationError, fields, pre_load, validates

from piiri.errors import coded
from piiri.fields import BoundedList
from services.contacts.contract import ContactSummary, EventEnvelope, occurred_at_field, parse_id
from services.contacts.validation import contract as codes

MAX_NAME = 200
MAX_ROLE = 100
MAX_CONTACTS_PER_CALL = 10_000
# One bulk action (a list of ids, or "all results" of a search) changes at most this many contacts, in one
# transaction: a search finding more is refused whole, and nothing is written (issue 13 item 4).
MAX_CONTACTS_PER_ACTION = MAX_CONTACTS_PER_CALL
MAX_QUERY = 1000


def _blank_to_none(data: object) -> object:
    if not isinstance(data, dict):
        return data
    return {key: (value.strip() or None) if isinstance(value, str) else value for key, value in data.items()}


class GroupInput(codes.CodedSchema):
    """A group as written by a user: create (name required) or update (partial)."""

    name = fields.String(required=True, validate=codes.Length(max=MAX_NAME))
    description = fields.String(allow_none=True, validate=codes.Length(max=2000))
    parent_id = fields.UUID(
        allow_none=True,
        metadata={"description": "Parent group; null for a top-level group. Changing it moves the subtree."},
    )
    archived = fields.Boolean(
        metadata={"description": "true archives the group and its whole subtree; false restores them."}
    )

    @pre_load
    def blank_to_none(self, data: object, **kwargs: object) -> object:
        return _blank_to_none(data)


class _ContactIds(codes.CodedSchema):
    contact_ids = BoundedList(
        fields.String(),
        required=True,
        min_length=1,
        max_length=MAX_CONTACTS_PER_CALL,
        metadata={"description": f"Contact ids (1 to {MAX_CONTACTS_PER_CALL:,})."},
    )

    @pre_load
    def blank_to_none(self, data: object, **kwargs: object) -> object:
        return _blank_to_none(data)

    @validates("contact_ids")
    def check_ids(self, value: list[str], **kwargs: object) -> None:
        bad = [item for item in value if parse_id(item) is None]
        if bad:
            raise ValidationError([coded("value.not_ids", ids=", ".join(map(str, bad[:20])))])


class MembersInput(_ContactIds):
    """Add people to a group: up to 10,000 contact ids per call."""

    role = fields.String(allow_none=True, validate=codes.Length(max=MAX_ROLE))
    starts_on = fields.Date(allow_none=True, metadata={"description": "Default: today."})
    ends_on = fields.Date(
        allow_none=True,
        metadata={"description": "The day the membership ends (not a member from that day on)."},
    )


class RemoveMembersInput(_ContactIds):
    """End the memberships of people in a group (their history is kept)."""

    ends_on = fields.Date(allow_none=True, metadata={"description": "The day they leave. Default: today."})


class _SearchSelection(codes.CodedSchema):
    """ "All results" of the contact list's search, as the list shows them: ``q`` and its structured
    filters, run again by the service with the caller's permissions and data scope."""

    q = fields.String(load_default="", validate=codes.Length(max=MAX_QUERY))
    filters = fields.Dict(
        keys=fields.String(),
        load_default=dict,
        metadata={"description": "The structured filters of search_contacts (name -> value)."},
    )
    expected_count = fields.Integer(
        allow_none=True,
        load_default=None,
        validate=codes.Range(min=1, max=MAX_CONTACTS_PER_ACTION),
        metadata={
            "description": "The count the user was shown; if the search now finds another number, "
            "nothing is done (Conflict groups.selection_changed with the new count)."
        },
    )

    @validates("q")
    def check_q(self, value: str, **kwargs: object) -> None:
        if "\x00" in value:
            raise ValidationError(["contact.value_invalid"])


class SearchMembersInput(_SearchSelection):
    """Add every contact a search finds (at most 10,000) to a group."""

    role = fields.String(allow_none=True, load_default=None, validate=codes.Length(max=MAX_ROLE))
    starts_on = fields.Date(allow_none=True, load_default=None, metadata={"description": "Default: today."})
    ends_on = fields.Date(allow_none=True, load_default=None)


class SearchRemoveInput(_SearchSelection):
    """End the memberships in a group of every contact a search finds (at most 10,000)."""

    ends_on = fields.Date(allow_none=True, load_default=None, metadata={"description": "Default: today."})


class GroupRef(codes.CodedSchema):
    id = fields.UUID(required=True)
    name = fields.String(required=True)


class Group(codes.CodedSchema):
    """A group as returned by the service."""

    id = fields.UUID(required=True)
    parent_id = fields.UUID(allow_none=True)
    name = fields.String(required=True)
    description = fields.String(allow_none=True)
    path = fields.String(metadata={"description": "Materialised path of ids: '/<root id>/…/<own id>/'."})
    path_names = fields.String(metadata={"example": "Hallitus / Työryhmä"})
    archived = fields.Boolean()
    archived_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    depth = fields.Integer()
    direct_members = fields.Integer(metadata={"description": "Active direct members today."})
    all_members = fields.Integer(metadata={"description": "Active members today including subgroups."})
    more_subgroups = fields.Integer(
        metadata={"description": "With max_depth: subgroups of a group at the limit, not listed."}
    )
    ancestors = fields.List(fields.Nested(GroupRef), metadata={"description": "From the root down."})
    children = fields.List(fields.Nested(GroupRef))


class GroupTree(codes.CodedSchema):
    items = fields.List(
        fields.Nested(Group),
        metadata={"description": "Depth-first, siblings by name; `depth` for indentation."},
    )


class Member(ContactSummary):
    """A member: the contact's summary and, if a direct member, that membership."""

    direct = fields.Boolean(
        metadata={"description": "A direct member of this group (not only of a subgroup)."}
    )
    role = fields.String(allow_none=True)
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)


class MemberPage(codes.CodedSchema):
    items = fields.List(fields.Nested(Member))
    next_cursor = fields.String(
        allow_none=True, metadata={"description": "Pass as `cursor` for the next page."}
    )


class MembershipChange(codes.CodedSchema):
    """The result of adding or removing people."""

    group_id = fields.UUID()
    added = fields.List(fields.UUID())
    ended = fields.List(fields.UUID())
    skipped = fields.List(
        fields.UUID(), metadata={"description": "Already active members (add) or not members (remove)."}
    )
    matched = fields.Integer(
        metadata={"description": "How many contacts the selection named (ids given, or a search's rows)."}
    )


class ContactMembership(codes.CodedSchema):
    """One of a contact's memberships, as in get_contact's `groups` part."""

    group_id = fields.UUID()
    group_name = fields.String()
    path_names = fields.String()
    group_archived = fields.Boolean()
    role = fields.String(allow_none=True)
    starts_on = fields.Date()
    ends_on = fields.Date(allow_none=True)
    active = fields.Boolean()


class GroupEvent(EventEnvelope):
    """Payload of group_created and group_changed (schema_version 1)."""

    group_id = fields.UUID(required=True)
    change = fields.String(
        metadata={"description": "created, updated (name/description), moved, archived, unarchived"}
    )
    changed_fields = fields.List(fields.String())
    subtree_ids = fields.List(fields.UUID(), metadata={"description": "Every group the change touched."})
    group = fields.Dict()


class MemberEvent(EventEnvelope):
    """Payload of member_joined and member_left (schema_version 1)."""

    membership_id = fields.UUID(required=True)
    group_id = fields.UUID(required=True)
    contact_id = fields.UUID(required=True)
    role = fields.String(allow_none=True)
    starts_on = fields.Date()
    ends_on = fields.Date(allow_none=True)
    occurred_at = occurred_at_field()
