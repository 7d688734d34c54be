"""Published contract of G1 (version 1): purposes, consents, legal bases, the data protection view, events."""

from typing import Any

from marshmallow import fields, post_load, pre_load

from piiri import clock
from services.contacts.contract import EventEnvelope
from services.contacts.validation import contract as codes

LEGAL_BASES = (
    "consent",
    "contract",
    "legitimate_interest",
    "legal_obligation",
    "vital_interest",
    "public_task",
)
SOURCES = ("staff", "api", "import", "form", "paper", "email")
CODE = codes.Regexp(r"^[a-z][a-z0-9_]{1,39}$", error="contact.code_format")


class _Trimmed(codes.CodedSchema):
    @pre_load
    def blank_to_none(self, data: object, **kwargs: object) -> object:
        """Forms send '' for an empty field: no value, trimmed."""
        if not isinstance(data, dict):
            return data
        return {
            key: (value.strip() or None) if isinstance(value, str) else value for key, value in data.items()
        }


class PurposeInput(_Trimmed):
    """A processing purpose: why personal data is processed, with its default legal basis."""

    code = fields.String(required=True, validate=CODE)
    label_fi = fields.String(required=True, validate=codes.Length(min=1, max=150))
    label_en = fields.String(required=True, validate=codes.Length(min=1, max=150))
    legal_basis = fields.String(required=True, validate=codes.OneOf(LEGAL_BASES))
    description = fields.String(allow_none=True, validate=codes.Length(max=4000))


class PurposeChanges(PurposeInput):
    """Changes to a purpose: any field but the code (a purpose's code never changes)."""

    class Meta:
        exclude = ("code",)


class Purpose(codes.CodedSchema):
    code = fields.String(required=True)
    label_fi = fields.String(required=True)
    label_en = fields.String(required=True)
    legal_basis = fields.String(required=True, metadata={"enum": list(LEGAL_BASES)})
    description = fields.String(allow_none=True)
    builtin = fields.Boolean(metadata={"description": "Built in: its code is used by other features."})
    mailing = fields.Boolean(metadata={"description": "Sending mail: its state is a mailing permission."})


class ConsentInput(_Trimmed):
    """A consent given or withdrawn (G1); a change is always a new row, the latest is the current state."""

    purpose = fields.String(required=True, validate=codes.Length(min=1, max=40))
    given = fields.Boolean(required=True, metadata={"description": "true: given; false: withdrawn."})
    source = fields.String(
        load_default=None,
        validate=codes.OneOf(SOURCES),
        metadata={"description": "Default: staff in the web UI, api through the API."},
    )
    text_version = fields.String(allow_none=True, validate=codes.Length(max=60))
    note = fields.String(allow_none=True, validate=codes.Length(max=2000))
    recorded_at = fields.DateTime(
        allow_none=True,
        metadata={"description": "When it was given or withdrawn (default now; may be in the past, not the "
                  "future; without a time zone: the organisation's time, PIIRI_TIMEZONE)."},
    )  # fmt: skip

    @post_load
    def local_time_by_default(self, data: dict[str, Any], **kwargs: object) -> dict[str, Any]:
        when = data.get("recorded_at")
        if when is not None and when.tzinfo is None:
            data["recorded_at"] = when.replace(tzinfo=clock.timezone())
        return data


class Consent(codes.CodedSchema):
    id = fields.UUID(required=True)
    contact_id = fields.UUID(required=True)
    purpose = fields.String(required=True)
    given = fields.Boolean(required=True)
    recorded_at = fields.DateTime(required=True)
    source = fields.String(required=True)
    text_version = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    recorded_by = fields.String(required=True)
    current = fields.Boolean(metadata={"description": "The latest row of its purpose: the current state."})


class LegalBasisInput(_Trimmed):
    """A person-specific legal basis for a purpose (e.g. a membership contract from a date)."""

    purpose = fields.String(required=True, validate=codes.Length(min=1, max=40))
    basis = fields.String(required=True, validate=codes.OneOf(LEGAL_BASES))
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)
    note = fields.String(allow_none=True, validate=codes.Length(max=2000))


class LegalBasisEnd(_Trimmed):
    ends_on = fields.Date(allow_none=True, metadata={"description": "Default: today."})


class LegalBasis(codes.CodedSchema):
    id = fields.UUID(required=True)
    contact_id = fields.UUID(required=True)
    purpose = fields.String(required=True)
    basis = fields.String(required=True)
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)
    note = fields.String(allow_none=True)
    recorded_by = fields.String()
    created_at = fields.DateTime()
    active = fields.Boolean(metadata={"description": "Applies today (between its dates, both included)."})


class PurposeState(codes.CodedSchema):
    """One purpose in a person's data protection view."""

    purpose = fields.Nested(Purpose)
    basis = fields.String(metadata={"description": "The effective legal basis for this person today."})
    basis_source = fields.String(metadata={"description": "person (a person-specific basis) or purpose."})
    legal_basis_id = fields.UUID(allow_none=True)
    consent_given = fields.Boolean(allow_none=True, metadata={"description": "Latest consent; null: none."})
    consent = fields.Nested(Consent, allow_none=True)
    lawful = fields.Boolean(metadata={"description": "Consent basis: a consent is given; other bases: true."})


class Membership(codes.CodedSchema):
    group_id = fields.UUID()
    group_name = fields.String()
    role = fields.String(allow_none=True)
    starts_on = fields.Date()
    ends_on = fields.Date(allow_none=True)
    current = fields.Boolean()


class MailingPermission(codes.CodedSchema):
    purpose = fields.String()
    basis = fields.String()
    allowed = fields.Boolean()
    consent_given = fields.Boolean(allow_none=True)


class Mailing(codes.CodedSchema):
    permissions = fields.List(fields.Nested(MailingPermission))
    note = fields.String()


class RetentionDate(codes.CodedSchema):
    rule_id = fields.UUID()
    rule_name = fields.String()
    kind = fields.String()
    past_retention_on = fields.Date(
        allow_none=True, metadata={"description": "The date the person is past retention under the rule; "
                                   "null: not while the rule's condition does not hold (e.g. a member)."}
    )  # fmt: skip
    past = fields.Boolean(metadata={"description": "Past retention today (since past_retention_on)."})


class DataProtectionView(codes.CodedSchema):
    contact_id = fields.UUID()
    display_name = fields.String()
    purposes = fields.List(fields.Nested(PurposeState))
    consent_history = fields.List(fields.Nested(Consent))
    legal_bases = fields.List(fields.Nested(LegalBasis))
    memberships = fields.List(fields.Nested(Membership))
    mailing = fields.Nested(Mailing)
    retention = fields.List(fields.Nested(RetentionDate))
    erasure_requested_at = fields.DateTime(allow_none=True)


# --- events (schema_version 1) -------------------------------------------------------------------


class ConsentEvent(EventEnvelope):
    """consent_given / consent_withdrawn: a consent row was recorded (``current_given``: the purpose's
    state after it, which differs from ``consent.given`` when a backdated row is older than the latest)."""

    contact_id = fields.UUID(required=True)
    purpose = fields.String(required=True)
    consent = fields.Nested(Consent)
    current_given = fields.Boolean()


class LegalBasisEvent(EventEnvelope):
    """legal_basis_added / legal_basis_ended / legal_basis_removed."""

    contact_id = fields.UUID(required=True)
    legal_basis = fields.Nested(LegalBasis)


class PurposeEvent(EventEnvelope):
    """processing_purpose_created / processing_purpose_changed."""

    purpose = fields.Nested(Purpose)
