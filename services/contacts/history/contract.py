"""Published contract of a contact's change history (issue 13 item 5, version 1): contact_changes' answer."""

from marshmallow import Schema, fields

MAX_CHANGES = 200  # the most one call returns


class FieldChange(Schema):
    """One field of one change: its value before and after (``None``: it was or became empty)."""

    changed_at = fields.DateTime(required=True)
    actor_username = fields.String(allow_none=True)
    field = fields.String(
        required=True, metadata={"description": "The contact field (first_name, emails …)."}
    )
    old_value = fields.Raw(allow_none=True)
    new_value = fields.Raw(allow_none=True)


class ContactChanges(Schema):
    """The contact's field changes, newest first."""

    items = fields.List(fields.Nested(FieldChange), required=True)
