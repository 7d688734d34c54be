"""The OpenAPI schemas of the person API routes (issue 11 item 4): the shapes their
@api_operation declarations name as `schemas.<Name>`; a name imported "as" itself is re-exported for them."""

from marshmallow import Schema, fields

from services.contacts.person.contract import (
    AltName,
    Status,
    StatusKind,
)
from services.contacts.person.contract import AltNameInput as AltNameInput
from services.contacts.person.contract import Couple as Couple
from services.contacts.person.contract import CoupleInput as CoupleInput
from services.contacts.person.contract import DeceasedInput as DeceasedInput
from services.contacts.person.contract import StatusInput as StatusInput
from services.contacts.person.contract import StatusKindInput as StatusKindInput


class PersonMarkDeceasedResponse(Schema):
    contact_id = fields.UUID()
    deceased_on = fields.Date(allow_none=True)


class PersonNamesResponse(Schema):
    items = fields.List(fields.Nested(AltName))


class PersonStatusKindsResponse(Schema):
    items = fields.List(fields.Nested(StatusKind))


class PersonStatusesResponse(Schema):
    items = fields.List(fields.Nested(Status))
