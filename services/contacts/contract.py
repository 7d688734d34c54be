"""The contacts service's published contract: RPC inputs and outputs and event payloads (version 1).

Other parts (the gateway, its OpenAPI document) import these schemas; nothing else of the service.
"""

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_load, validates, validates_schema

from piiri import clock, einvoice
from piiri.email_phone import check_email_address, normalise_phone
from piiri.errors import coded
from piiri.fields import BoundedList
from services.contacts.validation import contract as codes

__all__ = ["check_email_address", "normalise_phone"]  # part of the contract, defined in piiri/email_phone.py

KINDS = ("person", "organisation")
LANGUAGES = ("fi", "sv", "en", "ru", "et", "de", "fr", "es", "uk", "so", "ar")
# Rich standard fields (C2): the kinds of listed e-mails, phones and addresses, and genders.
EMAIL_KINDS = ("home", "work", "other")
PHONE_KINDS = ("mobile", "home", "work", "fax", "other")
ADDRESS_KINDS = ("home", "work", "postal", "billing", "other")
GENDERS = ("female", "male", "other")
# The lists (C2), the kinds of their entries, and the flat fields each keeps in step with its primary.
LIST_FIELDS = ("emails", "phones", "addresses")
LIST_KINDS = {"emails": EMAIL_KINDS, "phones": PHONE_KINDS, "addresses": ADDRESS_KINDS}
ADDRESS_PARTS = ("street", "postal_code", "city")
ADDRESS_FLAT = (*ADDRESS_PARTS, "country")
FLAT_FIELDS = ("email", "phone", *ADDRESS_FLAT)
MAX_LIST_ENTRIES = 20
MAX_TAGS = 30
MAX_TAGS_GIVEN = 4 * MAX_TAGS  # repeats are dropped, but a longer list is refused before any work
TAG_LENGTH = 40
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
    "middle_name",
    "title",
    "honorific",
    "gender",
    "website",
    "einvoice_address",
    "einvoice_operator",
    "tags",
    "emails",
    "phones",
    "addresses",
)


def _optional_text(length: int, description: str | None = None) -> fields.String:
    metadata: dict[str, object] = {"description": description} if description else {}
    return fields.String(allow_none=True, validate=codes.Length(max=length), metadata=metadata)


def normalise_tags(value: object) -> list[str]:
    """Tags as given -> trimmed, lower-case, single-spaced, without repeats (first one kept), or a
    ValidationError: each 1..40 characters, at most 30."""
    if not isinstance(value, list | tuple):
        raise ValidationError("contact.tags_list")
    if len(value) > MAX_TAGS_GIVEN:  # limit first: the work below is per tag (issue 12 item 2)
        raise ValidationError([coded("contact.too_many_tags", max=MAX_TAGS)])
    if not all(isinstance(tag, str) for tag in value):
        raise ValidationError("contact.tags_list")
    tags: dict[str, None] = {}  # insertion-ordered: repeats dropped in O(1) each, the first one kept
    for raw in value:
        if len(raw) > 4 * TAG_LENGTH:
            raise ValidationError([coded("contact.tag_too_long", max=TAG_LENGTH)])
        tag = " ".join(raw.split()).lower()
        if not tag:
            raise ValidationError("contact.tag_empty")
        if len(tag) > TAG_LENGTH:
            raise ValidationError([coded("contact.tag_too_long", max=TAG_LENGTH)])
        tags[tag] = None
        if len(tags) > MAX_TAGS:
            raise ValidationError([coded("contact.too_many_tags", max=MAX_TAGS)])
    return list(tags)


def parse_id(contact_id: object) -> uuid.UUID | None:
    """A UUID, or None if the text is not one (an unknown id, answered with 404 by the caller)."""
    if isinstance(contact_id, uuid.UUID):
        return contact_id
    try:
        return uuid.UUID(str(contact_id))
    except ValueError:
        return None


def normalise_website(value: str) -> str:
    """'example.fi' -> 'https://example.fi'; only http(s) addresses with a host, else a ValidationError."""
    url = value.strip()
    if "://" not in url:
        url = "https://" + url
    codes.URL(schemes={"http", "https"}, error="contact.website_invalid")(url)
    return url


class Tags(fields.List[str]):
    """A list of tags, normalised by ``normalise_tags``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(fields.String(validate=codes.Length(min=1, max=TAG_LENGTH)), **kwargs)

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> list[str | None]:
        return list(normalise_tags(value))  # marshmallow's List allows None entries; tags have none


class Website(fields.String):
    """An http(s) URL; https:// is added when the scheme is missing."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        return normalise_website(text)


class EInvoiceAddress(fields.String):
    """The payer's e-invoice address (B3): an OVT code or an IBAN, kept compact (piiri/einvoice.py)."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> str:
        text = einvoice.compact(super()._deserialize(value, attr, data, **kwargs))
        if not einvoice.valid_address(text):
            raise ValidationError("contact.einvoice_address_invalid")
        return text


class EInvoiceOperator(fields.String):
    """The payer's e-invoice operator (intermediator) code (B3), kept compact (piiri/einvoice.py)."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> str:
        text = einvoice.compact(super()._deserialize(value, attr, data, **kwargs))
        if not einvoice.valid_operator(text):
            raise ValidationError("contact.einvoice_operator_invalid")
        return text


class _Entry(codes.CodedSchema):
    """An entry of a list: texts trimmed, '' is no value."""

    @pre_load
    def blank_to_none(self, data: object, **kwargs: object) -> object:
        if not isinstance(data, dict):
            return data
        return {
            key: (value.strip() or None) if isinstance(value, str) else value for key, value in data.items()
        }


class EmailEntry(_Entry):
    """One e-mail address of a contact (C2)."""

    address = fields.String(
        required=True, validate=codes.Length(max=254), metadata={"description": "The e-mail address."}
    )
    kind = fields.String(
        load_default="home",
        validate=codes.OneOf(EMAIL_KINDS),
        metadata={"description": f"One of {', '.join(EMAIL_KINDS)}."},
    )
    primary = fields.Boolean(
        load_default=False,
        metadata={"description": "The primary address, also in the flat `email` field; at most one."},
    )

    @validates("address")
    def check_address(self, value: str, **kwargs: object) -> None:
        check_email_address(value)


class PhoneEntry(_Entry):
    """One phone number of a contact (C2), stored in E.164."""

    number = fields.String(
        required=True,
        validate=codes.Length(max=40),
        metadata={
            "description": "Any common way of writing it; stored as E.164 (+358401234567). Numbers without "
            "a country code are read in the primary address's country (FI by default)."
        },
    )
    kind = fields.String(
        load_default="mobile",
        validate=codes.OneOf(PHONE_KINDS),
        metadata={"description": f"One of {', '.join(PHONE_KINDS)}."},
    )
    primary = fields.Boolean(
        load_default=False,
        metadata={"description": "The primary number, also in the flat `phone` field; at most one."},
    )


class AddressEntry(_Entry):
    """One postal address of a contact (C2): a street, postal code or city at least."""

    kind = fields.String(
        load_default="home",
        validate=codes.OneOf(ADDRESS_KINDS),
        metadata={"description": f"One of {', '.join(ADDRESS_KINDS)}."},
    )
    street = _optional_text(200)
    postal_code = _optional_text(20, "Five digits in Finland (country FI).")
    city = _optional_text(100)
    country = fields.String(
        load_default="FI",
        validate=codes.Regexp(r"^[A-Z]{2}$", error="contact.country_code"),
        metadata={"description": "ISO 3166-1 alpha-2 code (default FI)."},
    )
    primary = fields.Boolean(
        load_default=False,
        metadata={
            "description": "The primary address, also in the flat street, postal_code, city, country; "
            "at most one."
        },
    )

    @pre_load
    def upper_country(self, data: object, **kwargs: object) -> object:
        if isinstance(data, dict) and isinstance(data.get("country"), str):
            return {**data, "country": data["country"].upper()}
        return data


def _entry_list(schema: type[Schema], description: str) -> BoundedList:
    return BoundedList(
        fields.Nested(schema), max_length=MAX_LIST_ENTRIES, metadata={"description": description}
    )


LIST_DESCRIPTION = (
    " Exactly one entry is primary (the first if none is marked); the flat field(s) always equal the "
    "primary entry. Sending the list replaces every entry; sending only the flat field(s) replaces the "
    "primary entry (null removes it and promotes the next)."
)


class ContactInput(codes.CodedSchema):
    """A contact as written by a user (create: all of it; update: ``partial=True``)."""

    kind = fields.String(load_default="person", validate=codes.OneOf(KINDS))
    first_name = _optional_text(100)
    preferred_name = _optional_text(100)
    last_name = _optional_text(100)
    organisation_name = _optional_text(200)
    email = fields.String(allow_none=True, validate=codes.Length(max=254))
    phone = fields.String(allow_none=True, validate=codes.Length(max=40))
    street = _optional_text(200)
    postal_code = _optional_text(20)
    city = _optional_text(100)
    country = fields.String(
        load_default="FI", validate=codes.Regexp(r"^[A-Z]{2}$", error="contact.country_code")
    )
    birth_date = fields.Date(allow_none=True)
    language = fields.String(load_default="fi", validate=codes.OneOf(LANGUAGES))
    notes = fields.String(allow_none=True, validate=codes.Length(max=10000))
    middle_name = _optional_text(100)
    title = _optional_text(100, "Professional or job title.")
    honorific = _optional_text(60, "Courtesy or honorary title, e.g. 'tri', 'kauppaneuvos', 'Dr.'.")
    gender = fields.String(
        allow_none=True,
        validate=codes.OneOf(GENDERS),
        metadata={"description": f"Optional: one of {', '.join(GENDERS)}, or null."},
    )
    website = Website(
        allow_none=True,
        validate=codes.Length(max=300),
        metadata={"description": "An http(s) address; https:// is added when no scheme is given."},
    )
    einvoice_address = EInvoiceAddress(
        allow_none=True,
        metadata={
            "description": "E-invoice address (B3): an OVT code (0037 + business id digits) or an IBAN; "
            "stored without spaces, upper case."
        },
    )
    einvoice_operator = EInvoiceOperator(
        allow_none=True,
        metadata={"description": "E-invoice operator (intermediator) code, e.g. 003721291126 or NDEAFIHH."},
    )
    tags = Tags(
        metadata={
            "description": f"Free tags, e.g. 'hallitus': each 1..{TAG_LENGTH} characters, "
            f"at most {MAX_TAGS}, stored trimmed and in lower case, repeats removed."
        }
    )
    emails = _entry_list(EmailEntry, "Every e-mail address of the contact." + LIST_DESCRIPTION)
    phones = _entry_list(PhoneEntry, "Every phone number of the contact." + LIST_DESCRIPTION)
    addresses = _entry_list(AddressEntry, "Every postal address of the contact." + LIST_DESCRIPTION)
    custom = fields.Dict(
        keys=fields.String(),
        metadata={"description": "Custom field values by key (C3); null clears one. See CustomField."},
    )

    @pre_load
    def blank_to_none(self, data: object, **kwargs: object) -> object:
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
    def check_email(self, value: str | None, **kwargs: object) -> None:
        if value is not None:
            check_email_address(value)

    @validates("phone")
    def check_phone(self, value: str | None, **kwargs: object) -> None:
        if value is not None:
            normalise_phone(value)

    @validates("birth_date")
    def check_birth_date(self, value: date | None, **kwargs: object) -> None:
        if value is not None and not date(1880, 1, 1) <= value <= clock.today():
            raise ValidationError("contact.birth_date_range")


class WholeContactRules(codes.CodedSchema):
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
    def check_whole(self, data: Mapping[str, Any], **kwargs: object) -> None:
        errors = whole_contact_errors(data)
        if errors:
            raise ValidationError(errors)


def whole_contact_errors(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """{field: [code]} where a contact as a whole breaks the rules (a name for its kind, a Finnish
    postal code of five digits); {} when it keeps them. WholeContactRules checks these on input."""
    errors: dict[str, list[str]] = {}
    if data.get("kind") == "organisation":
        if not data.get("organisation_name"):
            errors["organisation_name"] = ["contact.organisation_name_required"]
    elif not (data.get("first_name") or data.get("last_name")):
        errors["last_name"] = ["contact.person_name_required"]
    code = data.get("postal_code")
    if code and data.get("country", "FI") == "FI" and not (code.isdigit() and len(code) == 5):
        errors["postal_code"] = ["contact.postal_code_finnish"]
    return errors


class Contact(codes.CodedSchema):
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
    middle_name = fields.String(allow_none=True)
    title = fields.String(allow_none=True, metadata={"description": "Professional or job title."})
    honorific = fields.String(allow_none=True, metadata={"description": "Courtesy or honorary title."})
    gender = fields.String(
        allow_none=True, metadata={"description": f"One of {', '.join(GENDERS)}, or null."}
    )
    website = fields.String(allow_none=True)
    einvoice_address = fields.String(allow_none=True, metadata={"description": "OVT code or IBAN (B3)."})
    einvoice_operator = fields.String(
        allow_none=True, metadata={"description": "E-invoice operator (intermediator) code (B3)."}
    )
    tags = fields.List(fields.String(), metadata={"description": "Tags, lower case."})
    emails = fields.List(fields.Nested(EmailEntry), metadata={"description": "Every e-mail; one primary."})
    phones = fields.List(
        fields.Nested(PhoneEntry), metadata={"description": "Every phone (E.164); one primary."}
    )
    addresses = fields.List(
        fields.Nested(AddressEntry), metadata={"description": "Every address; one primary."}
    )
    deceased_on = fields.Date(allow_none=True, metadata={"description": "Set when marked deceased (C14)."})
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ContactSummary(codes.CodedSchema):
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


def dump_summaries(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``ContactSummary().dump(items, many=True)`` of list rows (storage._summary: every field present),
    without marshmallow: 0.200 ms through the schema against 0.037 ms for a page of 25 rows (issue 18:
    a search page's own Python time in the contacts service). services/contacts/tests/test_summary_dump.py
    checks that the two agree on generated rows; a row of another shape goes through the schema."""
    dumped: list[dict[str, Any]] = []
    for item in items:
        if item.keys() != _SUMMARY_KEYS:
            schema_dumped: list[dict[str, Any]] = ContactSummary().dump(items, many=True)
            return schema_dumped
        birth, deceased, statuses = item["birth_date"], item["deceased_on"], item["active_statuses"]
        dumped.append(
            {
                "id": str(item["id"]),
                "kind": _text(item["kind"]),
                "display_name": _text(item["display_name"]),
                "email": _text(item["email"]),
                "phone": _text(item["phone"]),
                "city": _text(item["city"]),
                "birth_date": None if birth is None else birth.isoformat(),
                "deceased_on": None if deceased is None else deceased.isoformat(),
                "active_statuses": None if statuses is None else [_text(kind) for kind in statuses],
            }
        )
    return dumped


_SUMMARY_KEYS = set(SUMMARY_FIELDS)


def _text(value: Any) -> Any:
    """fields.String's dump: None stays None, anything else is its str()."""
    return value if value is None or value.__class__ is str else str(value)


class ContactPage(codes.CodedSchema):
    items = fields.List(fields.Nested(ContactSummary), required=True)
    next_cursor = fields.String(
        allow_none=True, metadata={"description": "Pass as `cursor` for the next page."}
    )
    match = fields.String(
        metadata={"description": "'exact', or 'fuzzy' when only typo-tolerant matches were found."}
    )


def occurred_at_field() -> fields.AwareDateTime:
    """``occurred_at`` of a change's event that automations follow (member_joined/left,
    membership_paid_changed): the writing transaction's now(), the clock of an automation's created_at, so
    an automation created after the change does not act on it (C8, automations/rules.existing_at)."""
    return fields.AwareDateTime(
        metadata={
            "description": "When the change happened (the database's clock); an automation created later "
            "does not act on it (C8). Absent on events written before it was added."
        }
    )


class EventEnvelope(codes.CodedSchema):
    """What every event of the contacts service carries: the payload's version and a unique id (consumers
    deduplicate by it). Each event's schema adds its own fields."""

    schema_version = fields.Integer(required=True)
    event_id = fields.UUID(required=True)


class ContactEvent(EventEnvelope):
    """Payload of contact_created and contact_updated (schema_version 1)."""

    contact_id = fields.UUID(required=True)
    changed_fields = fields.List(fields.String())
    contact = fields.Nested(Contact)


class ContactDeletedEvent(EventEnvelope):
    """Payload of contact_deleted (schema_version 1)."""

    contact_id = fields.UUID(required=True)
