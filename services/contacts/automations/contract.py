"""The automations contract (C8, version 1): a definition, its runs, and a dry run's answer."""

from marshmallow import fields

from services.contacts.contract import ContactSummary
from services.contacts.validation import contract as codes


class AutomationInput(codes.CodedSchema):
    """What an admin sends to create (all of it) or change (any part of it) an automation."""

    name = fields.String(metadata={"description": "Up to 200 characters."})
    enabled = fields.Boolean(load_default=True)
    trigger_type = fields.String(
        metadata={
            "description": "member_joined | member_left | date_reached | membership_paid_changed | "
            "membership_unpaid_on (the grace period of a membership fee is over)."
        }
    )
    trigger_config = fields.Dict(
        metadata={
            "description": "member_joined/member_left: {group_id, include_subgroups}; date_reached: "
            '{field: "membership_ends" (with group_id) | "birth_date" (yearly) | "custom.<key>" '
            "(a date custom field), offset_days (-30 = 30 days before)}; membership_paid_changed: "
            "{period, paid_up}; membership_unpaid_on: {period, group_id, include_subgroups, on_date "
            "(yyyy-mm-dd): on that day every member of the group not paid up for the period}."
        }
    )
    action_type = fields.String(
        metadata={
            "description": "add_to_group | remove_from_group | set_status | end_status | publish_event."
        }
    )
    action_config = fields.Dict(
        metadata={
            "description": "add_to_group: {group_id, role?}; remove_from_group: {group_id}; set_status: "
            "{kind, days?}; end_status: {kind}; publish_event: {event_type, payload? (static extra fields)}."
        }
    )


class Automation(AutomationInput):
    id = fields.UUID(required=True)
    created_by = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    last_ran_at = fields.DateTime(allow_none=True)
    runs = fields.Integer(metadata={"description": "How many times it has run."})
    trigger_text = fields.String(metadata={"description": "The trigger in words (group names resolved)."})
    action_text = fields.String(metadata={"description": "The action in words (group names resolved)."})


class AutomationList(codes.CodedSchema):
    items = fields.List(fields.Nested(Automation), required=True)


class AutomationRun(codes.CodedSchema):
    id = fields.UUID(required=True)
    automation_id = fields.UUID(required=True)
    automation_name = fields.String()
    trigger_key = fields.String(
        metadata={"description": "The triggering event's id, or '<contact id>:<day>'."}
    )
    contact_id = fields.UUID(allow_none=True)
    contact_name = fields.String(allow_none=True)
    outcome = fields.String(metadata={"description": "done | skipped | failed"})
    detail = fields.Dict(
        metadata={"description": "Why it ran (trigger, event) and what it did or the error."}
    )
    ran_at = fields.DateTime()


class RunPage(codes.CodedSchema):
    items = fields.List(fields.Nested(AutomationRun), required=True)
    next_cursor = fields.String(allow_none=True)


class AffectedContact(ContactSummary):
    hit_on = fields.Date(allow_none=True, metadata={"description": "date_reached: the day it would fire."})


class DryRunInput(codes.CodedSchema):
    automation_id = fields.UUID(metadata={"description": "Try a saved automation, or send a definition."})
    horizon_days = fields.Integer(metadata={"description": "date_reached: days ahead to look (default 30)."})


class DryRun(codes.CodedSchema):
    trigger_text = fields.String()
    action_text = fields.String()
    count = fields.Integer(required=True, metadata={"description": "Everyone who would be affected now."})
    items = fields.List(fields.Nested(AffectedContact), metadata={"description": "The first 50 of them."})
    note = fields.String(metadata={"description": "What 'now' means for this trigger."})
