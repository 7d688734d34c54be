"""Published contract of person-organisation links (C2, version 1): RPC inputs and outputs, events."""

from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError, fields, pre_load, validates_schema

from services.contacts.contract import EventEnvelope
from services.contacts.validation import contract as codes

ROLES = ("employee", "board_member", "chair", "member", "contact_person", "volunteer", "other")
PEOPLE_PAGE_MAX = 200
PEOPLE_PAGE_DEFAULT = 25


class _Trimmed(codes.CodedSchema):
    @pre_load
    def blank_to_none(self, data: object, **kwargs: object) -> object:
        """Forms send '' for an empty field: no value, trimmed."""
        if not isinstance(data, dict):
            return data
        return {
            key: (value.strip() or None) if isinstance(value, str) else value for key, value in data.items()
        }


class AffiliationChanges(_Trimmed):
    """What can change on a link: role, title, dates, primary (the organisation cannot: remove and add)."""

    role = fields.String(required=True, validate=codes.OneOf(ROLES))
    title = fields.String(allow_none=True, validate=codes.Length(max=100))
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)
    is_primary = fields.Boolean(
        load_default=False, metadata={"description": "The person's main organisation (one at most)."}
    )

    @validates_schema
    def dates_in_order(self, data: Mapping[str, Any], **kwargs: object) -> None:
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            raise ValidationError("err.person_dates", "ends_on")


class AffiliationInput(AffiliationChanges):
    """A new link of a person to an organisation contact."""

    organisation_id = fields.UUID(required=True)


class Affiliation(codes.CodedSchema):
    id = fields.UUID(required=True)
    person_id = fields.UUID(required=True)
    person_name = fields.String()
    organisation_id = fields.UUID(required=True)
    organisation_name = fields.String()
    role = fields.String(required=True, metadata={"enum": list(ROLES)})
    title = fields.String(allow_none=True)
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)
    is_primary = fields.Boolean()
    ended = fields.Boolean(metadata={"description": "ends_on is before today."})
    created_at = fields.DateTime()


class PeopleQuery(codes.CodedSchema):
    """Paging and filters of an organisation's people."""

    limit = fields.Integer(load_default=PEOPLE_PAGE_DEFAULT, validate=codes.Range(min=1, max=PEOPLE_PAGE_MAX))
    cursor = fields.String(allow_none=True, load_default=None)
    role = fields.String(allow_none=True, load_default=None, validate=codes.OneOf(ROLES))
    include_ended = fields.Boolean(load_default=False)


class PeoplePage(codes.CodedSchema):
    items = fields.List(fields.Nested(Affiliation))
    next_cursor = fields.String(allow_none=True)


class OrganisationPeople(PeoplePage):
    count = fields.Integer(metadata={"description": "People linked now (links not ended), any role."})


class AffiliationDetails(codes.CodedSchema):
    """The ``affiliations`` part of get_contact: a person's organisations, or an organisation's people."""

    organisations = fields.List(
        fields.Nested(Affiliation), metadata={"description": "For a person: every link, primary first."}
    )
    people = fields.Nested(
        OrganisationPeople,
        allow_none=True,
        metadata={"description": "For an organisation: the count and first page of its people."},
    )


# --- events (schema_version 1) -------------------------------------------------------------------


class AffiliationEvent(EventEnvelope):
    """affiliation_added / affiliation_changed / affiliation_removed."""

    affiliation = fields.Nested(Affiliation, required=True)
    changed_fields = fields.List(
        fields.String(), metadata={"description": "affiliation_changed: the fields that changed."}
    )
