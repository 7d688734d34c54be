"""The contract of ``contacts.mailing_audience`` (M1): who of a selection may be mailed for a processing
purpose now, and why the others may not. The mailing service builds its lists from it."""

from typing import Final

from marshmallow import fields

from services.contacts.validation import contract as codes

# Why a contact of the selection is left out, checked in this order (the first that applies).
REASON_DECEASED: Final = "deceased"
REASON_NO_EMAIL: Final = "no_email"
REASON_INVALID_EMAIL: Final = "invalid_email"
REASON_NO_CONSENT: Final = "no_consent"  # neither a given consent nor another legal basis for the purpose
REASONS: Final = (REASON_DECEASED, REASON_NO_EMAIL, REASON_INVALID_EMAIL, REASON_NO_CONSENT)

# The contact fields a mailing list may carry to the mailing service (besides ``custom.<key>``).
MAIL_FIELDS: Final = (
    "first_name",
    "preferred_name",
    "last_name",
    "organisation_name",
    "title",
    "honorific",
    "phone",
    "street",
    "postal_code",
    "city",
    "country",
    "birth_date",
    "language",
)
CUSTOM_PREFIX: Final = "custom."
# M4: the built-in processing purpose whose consent allows tracking a contact's opens and clicks.
TRACKING_PURPOSE: Final = "email_tracking"
MAX_PAGE: Final = 1000
MAX_ONLY_IDS: Final = 1000


class AudienceMember(codes.CodedSchema):
    """One contact of the selection: ``excluded`` is None for a contact who may be mailed (then it has
    ``email`` and the fields asked for, custom values in ``custom``), else the reason (then only the id and
    the name)."""

    id = fields.UUID(required=True)
    display_name = fields.String(required=True)
    excluded = fields.String(allow_none=True, metadata={"enum": list(REASONS)})
    email = fields.String(allow_none=True)
    custom = fields.Dict(keys=fields.String())
    consent_to_track = fields.Boolean(
        metadata={
            "description": "M4: a given consent for TRACKING_PURPOSE (opens and clicks may be tracked)."
        }
    )


class AudiencePage(codes.CodedSchema):
    items = fields.List(fields.Nested(AudienceMember), required=True)
    next_cursor = fields.String(allow_none=True)
    total = fields.Integer(
        allow_none=True, metadata={"description": "First page: contacts in the selection."}
    )
    reasons = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        allow_none=True,
        metadata={"description": "First page: contacts left out per reason."},
    )
    custom_fields = fields.Dict(
        keys=fields.String(),
        metadata={"description": "{key: {label_fi, label_en, field_type}} of custom fields."},
    )
