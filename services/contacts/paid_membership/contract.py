"""Published contract of paid-up membership (B4, issue 15): the flag's input and view, the contact-page
part and the ``membership_paid_changed`` event."""

from marshmallow import Schema, fields, validate

from services.contacts.contract import EventEnvelope, occurred_at_field

FLAG_KINDS = ("free", "honorary")
PERIOD_PATTERN = r"^[0-9]{4}(-[0-9]{2,4})?$"  # "2027" or a season "2026-2027" (as billing's fee types)
CAUSES = ("payment", "credit", "flag_set", "flag_cleared")


class MembershipFlagInput(Schema):
    kind = fields.String(
        required=True, validate=validate.OneOf(FLAG_KINDS, error="contacts.membership_flag_kind_invalid")
    )
    reason = fields.String(
        required=True,
        validate=validate.Length(min=1, max=500, error="contacts.membership_flag_reason_required"),
        metadata={"description": "Why the membership is free or honorary (kept with the flag, audited)."},
    )


class MembershipFlag(Schema):
    kind = fields.String(metadata={"enum": list(FLAG_KINDS)})
    reason = fields.String()
    set_by = fields.String()
    set_at = fields.DateTime()


class PaidPeriod(Schema):
    period = fields.String()
    invoice_id = fields.UUID()
    paid_on = fields.Date(allow_none=True)


class PaidMembership(Schema):
    """The ``paid_membership`` part of a contact: periods paid by matched payments, and the flag."""

    periods = fields.List(fields.Nested(PaidPeriod), metadata={"description": "Newest period first."})
    flag = fields.Nested(MembershipFlag, allow_none=True)


class MembershipPaidChangedEvent(EventEnvelope):
    """membership_paid_changed: a contact's paid-up status changed (a payment, a credit note, the flag)."""

    contact_id = fields.UUID(required=True)
    cause = fields.String(required=True, metadata={"enum": list(CAUSES)})
    period = fields.String(
        allow_none=True, metadata={"description": "The period whose status changed; null: the flag changed."}
    )
    paid_up = fields.Boolean(
        required=True,
        metadata={"description": "After the change: paid up for ``period`` (for a flag change: flagged)."},
    )
    invoice_id = fields.UUID(allow_none=True)
    paid_periods = fields.List(fields.String(), required=True, metadata={"description": "After the change."})
    membership_flag = fields.String(allow_none=True, metadata={"enum": list(FLAG_KINDS)})
    occurred_at = occurred_at_field()
