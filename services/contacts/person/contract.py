"""Published contract of person details (version 1): RPC inputs and outputs and event payloads."""

from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError, fields, pre_load, validates, validates_schema

from services.contacts.contract import EventEnvelope
from services.contacts.validation import contract as codes

NAME_KINDS = ("transliteration", "native", "maiden", "former", "nickname", "other")
SCRIPTS = ("Latn", "Cyrl", "Grek", "Arab", "Hebr", "Hani", "Jpan", "Kore", "Thai", "Deva", "Geor", "Armn")
DECEASED_FILTER = ("exclude", "only", "include")


class _Trimmed(codes.CodedSchema):
    @pre_load
    def blank_to_none(self, data: object, **kwargs: object) -> object:
        """Forms send '' for an empty field: no value, trimmed."""
        if not isinstance(data, dict):
            return data
        return {
            key: (value.strip() or None) if isinstance(value, str) else value for key, value in data.items()
        }


class AltNameInput(_Trimmed):
    """A new alternative spelling of a person's name (C12)."""

    kind = fields.String(required=True, validate=codes.OneOf(NAME_KINDS))
    script = fields.String(allow_none=True, validate=codes.OneOf(SCRIPTS))
    first_name = fields.String(allow_none=True, validate=codes.Length(max=100))
    last_name = fields.String(allow_none=True, validate=codes.Length(max=100))
    use_in_letters = fields.Boolean(load_default=False)

    @validates_schema(skip_on_field_errors=False)
    def some_name(self, data: Mapping[str, Any], **kwargs: object) -> None:
        if not (data.get("first_name") or data.get("last_name")):
            raise ValidationError("err.person_alt_name", "last_name")


class AltName(codes.CodedSchema):
    id = fields.UUID(required=True)
    kind = fields.String(required=True)
    script = fields.String(allow_none=True)
    first_name = fields.String(allow_none=True)
    last_name = fields.String(allow_none=True)
    use_in_letters = fields.Boolean()
    created_at = fields.DateTime()


class StatusInput(_Trimmed):
    """A temporary status (C9): kind, start, optional end, optional note."""

    kind = fields.String(required=True, validate=codes.Length(min=1, max=40))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(allow_none=True)
    note = fields.String(allow_none=True, validate=codes.Length(max=2000))

    @validates_schema
    def dates_in_order(self, data: Mapping[str, Any], **kwargs: object) -> None:
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            raise ValidationError("err.person_dates", "ends_on")


class Status(codes.CodedSchema):
    id = fields.UUID(required=True)
    kind = fields.String(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(allow_none=True)
    note = fields.String(allow_none=True)
    active = fields.Boolean(metadata={"description": "starts_on <= today <= ends_on (no end: open)."})
    created_at = fields.DateTime()


class StatusKindInput(_Trimmed):
    code = fields.String(
        required=True,
        validate=codes.Regexp(r"^[a-z][a-z0-9_]{1,39}$", error="contact.code_format"),
    )
    label_fi = fields.String(required=True, validate=codes.Length(min=1, max=100))
    label_en = fields.String(required=True, validate=codes.Length(min=1, max=100))

    @validates("code")
    def not_any(self, value: str, **kwargs: object) -> None:
        if value == "any":
            raise ValidationError("person.err_any_reserved")


class StatusKind(codes.CodedSchema):
    code = fields.String(required=True)
    label_fi = fields.String(required=True)
    label_en = fields.String(required=True)
    builtin = fields.Boolean()


class DeceasedInput(codes.CodedSchema):
    deceased_on = fields.Date(required=True)


class CoupleInput(codes.CodedSchema):
    contact_ids = fields.List(fields.UUID(), required=True, validate=codes.Length(equal=2))


class Partner(codes.CodedSchema):
    id = fields.UUID(required=True)
    display_name = fields.String(required=True)
    deceased_on = fields.Date(allow_none=True)


class Couple(codes.CodedSchema):
    id = fields.UUID(required=True)
    members = fields.List(fields.Nested(Partner), required=True)
    address_name = fields.Dict(
        keys=fields.String(), values=fields.String(), metadata={"description": "{'fi': ..., 'en': ...}"}
    )
    any_deceased = fields.Boolean(metadata={"description": "True if a member is marked deceased."})


class ContactCouple(Couple):
    partner = fields.Nested(Partner)


class PersonDetails(codes.CodedSchema):
    """The ``person`` part of get_contact."""

    alternative_names = fields.List(fields.Nested(AltName))
    name_for_letters = fields.String(
        metadata={"description": "The chosen alternative name, or the usual name."}
    )
    statuses = fields.List(fields.Nested(Status))
    active_statuses = fields.List(fields.String())
    deceased_on = fields.Date(allow_none=True)
    couple = fields.Nested(ContactCouple, allow_none=True)
    status_kinds = fields.List(
        fields.Nested(StatusKind), metadata={"description": "Kinds a status can have."}
    )


# --- events (schema_version 1) -------------------------------------------------------------------


class NameEvent(EventEnvelope):
    """contact_name_added / contact_name_removed."""

    contact_id = fields.UUID(required=True)
    name = fields.Nested(AltName)


class StatusEvent(EventEnvelope):
    """contact_status_added / contact_status_changed / contact_status_removed / status_ended."""

    contact_id = fields.UUID(required=True)
    status = fields.Nested(Status)


class DeceasedEvent(EventEnvelope):
    """contact_deceased / contact_deceased_unmarked (the latter: deceased_on is the removed date)."""

    contact_id = fields.UUID(required=True)
    deceased_on = fields.Date(allow_none=True)


class CoupleEvent(EventEnvelope):
    """couple_linked / couple_unlinked."""

    couple_id = fields.UUID(required=True)
    contact_ids = fields.List(fields.UUID())
