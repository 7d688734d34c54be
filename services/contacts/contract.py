"""The contacts service's published contract: RPC inputs and outputs and event payloads (version 1).

Other parts (the gateway, its OpenAPI document) import these schemas; nothing else of the service.
"""

from datetime import date

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates, validates_schema

KINDS = ("person", "organisation")
LANGUAGES = ("fi", "sv", "en", "ru", "et", "de", "fr", "es", "uk", "so", "ar")
EDITABLE_FIELDS = (
    "kind",
    "first_name",
    "preferred_name",
    "last_name",
    "organisation_name",
    "email",
    "phone",
    "street",
    "postal_code",
    "city",
    "country",
    "birth_date",
    "language",
    "notes",
)


def _optional_text(length):
    return fields.String(allow_none=True, validate=validate.Length(max=length))


class ContactInput(Schema):
    """A contact as written by a user (create: all of it; update: ``partial=True``)."""

    kind = fields.String(load_default="person", validate=validate.OneOf(KINDS))
    first_name = _optional_text(100)
    preferred_name = _optional_text(100)
    last_name = _optional_text(100)
    organisation_name = _optional_text(200)
    email = fields.String(allow_none=True, validate=validate.Length(max=254))
    phone = fields.String(allow_none=True, validate=validate.Length(max=40))
    street = _optional_text(200)
    postal_code = _optional_text(20)
    city = _optional_text(100)
    country = fields.String(load_default="FI", validate=validate.Regexp(r"^[A-Z]{2}$"))
    birth_date = fields.Date(allow_none=True)
    language = fields.String(load_default="fi", validate=validate.OneOf(LANGUAGES))
    notes = fields.String(allow_none=True, validate=validate.Length(max=10000))
    custom = fields.Dict(
        keys=fields.String(),
        metadata={"description": "Custom field values by key (C3); null clears one. See CustomField."},
    )

    @pre_load
    def blank_to_none(self, data, **kwargs):
        """Forms send '' for an empty field: store it as no value, trimmed."""
        if not isinstance(data, dict):
            return data
        cleaned = {}
        for key, value in data.items():
            if isinstance(value, str):
                value = value.strip() or None
            cleaned[key] = value
        for key in ("country",):
            if isinstance(cleaned.get(key), str):
                cleaned[key] = cleaned[key].upper()
        return cleaned

    @validates("email")
    def check_email(self, value, **kwargs):
        if value is None:
            return
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError as exc:
            raise ValidationError(f"Not a valid e-mail address: {exc}") from None

    @validates("phone")
    def check_phone(self, value, **kwargs):
        if value is not None:
            normalise_phone(value)

    @validates("birth_date")
    def check_birth_date(self, value, **kwargs):
        if value is not None and not date(1880, 1, 1) <= value <= date.today():
            raise ValidationError("Birth date must be between 1880-01-01 and today.")


def normalise_phone(value, region="FI"):
    """Any way people write a phone number -> E.164 ('+358401234567'), or a ValidationError."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        raise ValidationError("Not a phone number.") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError("Not a valid phone number for its country.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class WholeContactRules(Schema):
    """Rules on the contact as a whole, checked after a create or on the merged result of an update."""

    kind = fields.String()
    first_name = fields.String(allow_none=True)
    last_name = fields.String(allow_none=True)
    organisation_name = fields.String(allow_none=True)
    postal_code = fields.String(allow_none=True)
    country = fields.String()

    class Meta:
        unknown = "exclude"

    @validates_schema
    def check_names(self, data, **kwargs):
        if data.get("kind") == "organisation":
            if not data.get("organisation_name"):
                raise ValidationError("An organisation needs a name.", "organisation_name")
        elif not (data.get("first_name") or data.get("last_name")):
            raise ValidationError("A person needs a first or a last name.", "last_name")

    @validates_schema
    def check_postal_code(self, data, **kwargs):
        code = data.get("postal_code")
        if code and data.get("country", "FI") == "FI" and not (code.isdigit() and len(code) == 5):
            raise ValidationError("A Finnish postal code has five digits.", "postal_code")


class Contact(Schema):
    """A contact as returned by the service."""

    id = fields.UUID(required=True)
    kind = fields.String(required=True)
    display_name = fields.String(required=True)
    first_name = fields.String(allow_none=True)
    preferred_name = fields.String(allow_none=True)
    last_name = fields.String(allow_none=True)
    organisation_name = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    street = fields.String(allow_none=True)
    postal_code = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    country = fields.String()
    birth_date = fields.Date(allow_none=True)
    language = fields.String()
    notes = fields.String(allow_none=True)
    deceased_on = fields.Date(allow_none=True, metadata={"description": "Set when marked deceased (C14)."})
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ContactSummary(Schema):
    """A contact as shown in a list."""

    id = fields.UUID(required=True)
    kind = fields.String(required=True)
    display_name = fields.String(required=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    birth_date = fields.Date(allow_none=True)
    deceased_on = fields.Date(allow_none=True, metadata={"description": "Set when marked deceased (C14)."})
    active_statuses = fields.List(
        fields.String(), metadata={"description": "Kinds of the person's active statuses today (C9)."}
    )


SUMMARY_FIELDS = tuple(ContactSummary().fields)


class ContactPage(Schema):
    items = fields.List(fields.Nested(ContactSummary), required=True)
    next_cursor = fields.String(
        allow_none=True, metadata={"description": "Pass as `cursor` for the next page."}
    )
    match = fields.String(
        metadata={"description": "'exact', or 'fuzzy' when only typo-tolerant matches were found."}
    )


class ContactEvent(Schema):
    """Payload of contact_created and contact_updated (schema_version 1)."""

    schema_version = fields.Integer(required=True)
    event_id = fields.UUID(required=True)
    contact_id = fields.UUID(required=True)
    changed_fields = fields.List(fields.String())
    contact = fields.Nested(Contact)


class ContactDeletedEvent(Schema):
    """Payload of contact_deleted (schema_version 1)."""

    schema_version = fields.Integer(required=True)
    event_id = fields.UUID(required=True)
    contact_id = fields.UUID(required=True)
