"""The contract of subscription forms (M3, issue 14): a hosted page per mailing list and an embeddable
form with double opt-in. Constants, schemas of the RPC arguments and results, error codes; no I/O.

A form is reached by its list's public ``token`` (/subscribe/<token>); a submission is held as a pending
subscription (personal data: e-mail and names) and a confirmation mail carries a single-use ``code``
that expires; confirming records the consent for the list's purpose (G1) with the consent text's
version, creates or matches the contact (duplicate matching as in imports) and, for a list that follows
a group, adds them to it, so that they are part of the list's audience."""

from typing import Final

from marshmallow import Schema, fields, validate

LANGUAGES: Final = ("fi", "sv", "en")
STATUSES: Final = ("pending", "confirmed")
CONSENT_TEXT_MAX: Final = 2000
NAME_MAX: Final = 100
# What confirm_subscription and subscription_status answer (the public pages say each plainly).
CONFIRMED: Final = "confirmed"
ALREADY_CONFIRMED: Final = "already_confirmed"
PENDING: Final = "pending"
EXPIRED: Final = "expired"  # expired, replaced by a newer submission, or never existed: subscribe again
# The source of the consent a confirmation records (contacts' consent sources) and its note.
CONSENT_SOURCE: Final = "form"
CONSENT_NOTE: Final = "subscription form {name}"

# Defaults of the settings (configuration keys in brackets).
EXPIRY_HOURS: Final = 48  # [SUBSCRIBE_EXPIRY_HOURS] a confirmation link's life
RESEND_MINUTES: Final = 10  # [SUBSCRIBE_RESEND_MINUTES] at most one mail per address and list per this
IP_PER_HOUR: Final = 30  # [SUBSCRIBE_IP_PER_HOUR] submissions from one client address per hour
EMAIL_PER_HOUR: Final = 5  # [SUBSCRIBE_EMAIL_PER_HOUR] submissions for one address (all lists) per hour

NOT_AVAILABLE = "mailing.subscription_form_unavailable"
SUBSCRIPTION_INVALID = "mailing.subscription_invalid"
EMAIL_INVALID = "mailing.subscription_email_invalid"
NAME_TOO_LONG = "mailing.subscription_name_too_long"
FORM_INVALID = "mailing.subscription_form_invalid"
CONSENT_TEXT_REQUIRED = "mailing.consent_text_required"
CONSENT_TEXT_TOO_LONG = "mailing.consent_text_too_long"


class SubscriptionInput(Schema):
    """submit_subscription's ``data``: what a person typed in the form."""

    email = fields.Email(required=True, validate=validate.Length(max=254))
    first_name = fields.String(load_default="", validate=validate.Length(max=NAME_MAX))
    last_name = fields.String(load_default="", validate=validate.Length(max=NAME_MAX))
    language = fields.String(load_default="fi", validate=validate.OneOf(LANGUAGES))


class ConsentTexts(Schema):
    fi = fields.String(load_default="", validate=validate.Length(max=CONSENT_TEXT_MAX))
    sv = fields.String(load_default="", validate=validate.Length(max=CONSENT_TEXT_MAX))
    en = fields.String(load_default="", validate=validate.Length(max=CONSENT_TEXT_MAX))


class SubscriptionFormInput(Schema):
    """Change a list's form: switch it on or off, change its consent texts (a change is a new version)."""

    enabled = fields.Boolean()
    consent_texts = fields.Nested(
        ConsentTexts,
        metadata={"description": "The consent text in fi, sv and en; at least one. A change: a new version."},
    )


class ConsentTextVersion(Schema):
    version = fields.Integer()
    texts = fields.Dict(keys=fields.String(), values=fields.String())
    created_by = fields.String(allow_none=True)
    created_at = fields.DateTime()


class SubscriptionForm(Schema):
    """A list's form as staff see it."""

    list_id = fields.UUID(required=True)
    list_name = fields.String()
    token = fields.String(
        metadata={"description": "The public token: the hosted page is /subscribe/<token>."}
    )
    enabled = fields.Boolean()
    consent_version = fields.Integer(metadata={"description": "The current consent text's version."})
    consent_texts = fields.Dict(keys=fields.String(), values=fields.String())
    versions = fields.List(
        fields.Nested(ConsentTextVersion),
        metadata={"description": "Every version of the consent texts, newest first; a consent's text_version "
                  "is '<list id>:<version>'."},
    )  # fmt: skip
    source_kind = fields.String(metadata={"description": "group: a confirmed subscriber joins the group."})
    counts = fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata={"description": "pending, confirmed"}
    )
    updated_by = fields.String(allow_none=True)
    updated_at = fields.DateTime(allow_none=True)


class PublicForm(Schema):
    """What the hosted page shows (no personal data)."""

    token = fields.String()
    list_name = fields.String()
    purpose = fields.String(metadata={"description": "The processing purpose's name in the language."})
    consent_text = fields.String()
    consent_version = fields.Integer()
    language = fields.String()
