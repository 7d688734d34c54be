"""The OpenAPI schemas of the affiliations API routes (issue 11 item 4): the shapes their "
"declarations name."""

from marshmallow import Schema, fields

from services.contacts.affiliations.contract import (
    Affiliation,
)
from services.contacts.affiliations.contract import AffiliationChanges as AffiliationChanges
from services.contacts.affiliations.contract import AffiliationInput as AffiliationInput
from services.contacts.affiliations.contract import PeoplePage as PeoplePage
from services.contacts.photos.contract import PhotoInfo as PhotoInfo


class AffiliationPeopleQuery(Schema):
    limit = fields.Integer(metadata={"minimum": 1, "maximum": 200, "default": 25})
    cursor = fields.String(metadata={"description": "next_cursor of the previous page"})
    role = fields.String(
        metadata={
            "enum": ["employee", "board_member", "chair", "member", "contact_person", "volunteer", "other"]
        }
    )
    include_ended = fields.Boolean(
        metadata={"default": False, "description": "Also links whose end date has passed."}
    )


class AffiliationsOfPersonResponse(Schema):
    items = fields.List(fields.Nested(Affiliation))


class PhotoPutForm(Schema):
    photo = fields.String(metadata={"format": "binary"})
