"""The round-birthday contract (C13, version 1): settings, the upcoming list, the reminder event."""

from marshmallow import fields

from services.contacts.contract import ContactSummary
from services.contacts.validation import contract as codes

MIN_AGE, MAX_AGE = 1, 130
MIN_HORIZON, MAX_HORIZON = 1, 366


class BirthdaySettingsInput(codes.CodedSchema):
    """What an admin sets: the round ages, how far ahead to look, who is important."""

    round_ages = fields.List(
        fields.Integer(strict=True, validate=codes.Range(MIN_AGE, MAX_AGE)),
        required=True,
        validate=codes.Length(min=1, max=50),
        metadata={"description": "Distinct ages from 1 to 130, e.g. [50, 60, 70, 75, 80]."},
    )
    horizon_days = fields.Integer(
        strict=True,
        required=True,
        validate=codes.Range(MIN_HORIZON, MAX_HORIZON),
        metadata={"description": "How many days ahead the list looks (1..366)."},
    )
    important_filters = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        load_default=dict,
        metadata={
            "description": "Search filters (as on GET /api/v1/contacts) that select the important "
            'contacts, e.g. {"group_id": "…"}; {} means everyone.'
        },
    )


class BirthdaySettings(BirthdaySettingsInput):
    updated_at = fields.DateTime(allow_none=True, metadata={"description": "null: never changed"})


class UpcomingBirthday(ContactSummary):
    """A contact as in a list, with the round birthday coming up."""

    birthday = fields.Date(required=True, metadata={"description": "The day of the round birthday."})
    age = fields.Integer(required=True, metadata={"description": "The age they turn that day."})


class UpcomingBirthdays(codes.CodedSchema):
    items = fields.List(fields.Nested(UpcomingBirthday), required=True)
    from_date = fields.Date(data_key="from", metadata={"description": "The first day looked at (today)."})
    to_date = fields.Date(data_key="to", metadata={"description": "The last day looked at."})
    horizon_days = fields.Integer()
    settings = fields.Nested(BirthdaySettings)


class ReminderContact(codes.CodedSchema):
    contact_id = fields.UUID(required=True)
    birthday = fields.Date(required=True)
    age = fields.Integer(required=True)


class BirthdayReminderEvent(codes.CodedSchema):
    """Event ``birthday_reminder``: once a day, the round birthdays of important contacts ahead."""

    schema_version = fields.Integer()
    event_id = fields.UUID()
    day = fields.Date(required=True)
    horizon_days = fields.Integer()
    contacts = fields.List(fields.Nested(ReminderContact), required=True)


class BirthdaySettingsChangedEvent(codes.CodedSchema):
    schema_version = fields.Integer()
    event_id = fields.UUID()
    changed_fields = fields.List(fields.String())
    settings = fields.Nested(BirthdaySettings)
