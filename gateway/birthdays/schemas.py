"""The OpenAPI schemas of the birthdays API routes (issue 11 item 4): the shapes their
@api_operation declarations name as `schemas.<Name>`; a name imported "as" itself is re-exported for them."""

from marshmallow import Schema, fields

from services.contacts.birthdays.contract import BirthdaySettings as BirthdaySettings
from services.contacts.birthdays.contract import BirthdaySettingsInput as BirthdaySettingsInput
from services.contacts.birthdays.contract import UpcomingBirthdays as UpcomingBirthdays


class BirthdaysUpcomingQuery(Schema):
    horizon_days = fields.Integer(
        metadata={
            "minimum": 1,
            "maximum": 366,
            "description": "Days ahead; the settings' horizon when left out.",
        }
    )
