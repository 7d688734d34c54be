"""The OpenAPI schemas of the dashboard's API route (issue 13 item 2)."""

from marshmallow import Schema, fields


class ContactFigures(Schema):
    total = fields.Integer(metadata={"description": "Contacts now (of the caller's scope)."})
    new_short = fields.Integer(metadata={"description": "Created in the last 30 days (from days.short)."})
    new_long = fields.Integer(metadata={"description": "Created in the last 12 months (from days.long)."})


class MemberFigures(Schema):
    now = fields.Integer(metadata={"description": "Contacts with an active membership in some group today."})
    then_short = fields.Integer(metadata={"description": "… on days.short (30 days ago)."})
    then_long = fields.Integer(metadata={"description": "… on days.long (a year ago)."})
    joined_month = fields.Integer(metadata={"description": "With a membership started this month."})
    left_month = fields.Integer(metadata={"description": "With a membership ended this month."})


class ContactsCard(Schema):
    days = fields.Dict(
        keys=fields.String(),
        values=fields.Date(),
        metadata={"description": "today, short (30 days ago), long (a year ago), month_start."},
    )
    contacts = fields.Nested(ContactFigures)
    members = fields.Nested(MemberFigures)
    duplicates_waiting = fields.Integer(metadata={"description": "Duplicate pairs waiting for review."})
    erasures_pending = fields.Integer(
        allow_none=True, metadata={"description": "Erasures not finished; null unless gdpr.officer."}
    )
    scoped = fields.Boolean(metadata={"description": "The figures are of the caller's data scope (C6)."})
    counted_at = fields.DateTime(
        metadata={
            "description": "When contacts, members and duplicates were counted (at most 5 minutes ago)."
        }
    )


class ImportsCard(Schema):
    in_progress = fields.Integer(metadata={"description": "Imports not finished (uploaded … committing)."})
    working = fields.Integer(metadata={"description": "Of those, being validated or committed now."})


class ExportsCard(Schema):
    in_progress = fields.Integer(metadata={"description": "The caller's exports queued or running."})
    ready = fields.Integer(metadata={"description": "The caller's finished exports whose file is kept."})


class Dashboard(Schema):
    contacts = fields.Nested(
        ContactsCard,
        allow_none=True,
        metadata={"description": "contacts.view; null when the contacts service did not answer in time."},
    )
    imports = fields.Nested(ImportsCard, allow_none=True, metadata={"description": "contacts.import."})
    exports = fields.Nested(ExportsCard, allow_none=True, metadata={"description": "contacts.export."})
    changes = fields.Dict(
        allow_none=True,
        metadata={
            "description": "audit.view, not scoped: {items: the caller's last 5 changes, newest first}."
        },
    )
    birthdays = fields.Dict(
        allow_none=True,
        metadata={"description": "contacts.view: the upcoming round birthdays, as GET /api/v1/birthdays."},
    )
