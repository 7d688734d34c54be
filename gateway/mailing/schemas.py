"""The OpenAPI schemas of the mailing API routes (M1, M5): the shapes their declarations name."""

from marshmallow import Schema, fields

from services.mailing.contract import Campaign as Campaign
from services.mailing.contract import CampaignInput as CampaignInput
from services.mailing.contract import Mail as Mail
from services.mailing.contract import MailingList as MailingList
from services.mailing.contract import MailingListInput as MailingListInput
from services.mailing.contract import MailTemplate as MailTemplate
from services.mailing.contract import MailTemplateInput as MailTemplateInput
from services.mailing.contract import SyncRun as SyncRun


class MailingListList(Schema):
    items = fields.List(fields.Nested(MailingList), required=True)


class SyncRunList(Schema):
    items = fields.List(fields.Nested(SyncRun), required=True)


class SyncRunDetails(SyncRun):
    failures = fields.List(
        fields.Dict(),
        metadata={"description": "The refused rows: {contact_id, code, details (the field, the limit)}"},
    )


class AudienceMember(Schema):
    id = fields.UUID(required=True)
    display_name = fields.String()
    excluded = fields.String(
        allow_none=True,
        metadata={
            "description": "null: mailed; else deceased, no_email, invalid_email, no_consent, unsubscribed "
            "or bounced"
        },
    )
    since = fields.String(metadata={"description": "unsubscribed, bounced: when"})


class Audience(Schema):
    items = fields.List(fields.Nested(AudienceMember), required=True)
    next_cursor = fields.String(allow_none=True)
    total = fields.Integer(allow_none=True, metadata={"description": "First page: contacts the source holds"})
    reasons = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        allow_none=True,
        metadata={"description": "First page: contacts left out per reason, and erased members (count only)"},
    )


class AudienceQuery(Schema):
    reason = fields.String(
        metadata={
            "enum": ["deceased", "no_email", "invalid_email", "no_consent", "unsubscribed", "bounced"],
            "description": "Only the contacts left out for this reason",
        }
    )
    limit = fields.Integer(metadata={"minimum": 1, "maximum": 200, "default": 50})
    cursor = fields.String(metadata={"description": "next_cursor of the previous page"})


class WebhookResult(Schema):
    flagged = fields.Integer(required=True)
    ignored = fields.Integer(required=True)


class ContactFlagsQuery(Schema):
    ids = fields.String(required=True, metadata={"description": "Contact ids, comma-separated (at most 200)"})


class MailList(Schema):
    items = fields.List(fields.Nested(Mail), required=True)
    more = fields.Boolean(metadata={"description": "Whether the next page (offset + limit) has mails."})


class DsnResult(Schema):
    bounced = fields.Integer(required=True, metadata={"description": "Mails marked bounced by the report."})
    ignored = fields.Integer(
        required=True, metadata={"description": "Reports of no mail of ours, not permanent, or seen before."}
    )


# Templates (M2) and campaigns (M1, M4).
class MailTemplateList(Schema):
    items = fields.List(fields.Nested(MailTemplate), required=True)
    merge_fields = fields.List(
        fields.String(), metadata={"description": "The merge fields a template may use"}
    )


class Rendered(Schema):
    subject = fields.String(required=True)
    html = fields.String(required=True, metadata={"description": "The MJML body compiled to responsive HTML"})
    text = fields.String(required=True)


class PreviewQuery(Schema):
    contact_id = fields.UUID(
        metadata={"description": "Render for this contact (an audited read); else samples"}
    )


class CampaignList(Schema):
    items = fields.List(fields.Nested(Campaign), required=True)


class TestSend(Schema):
    addresses = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "1 to 15 addresses (Campaign Monitor's limit)"},
    )


class TestSendResult(Schema):
    sent_to = fields.List(fields.String(), required=True)


class SendInput(Schema):
    send_at = fields.DateTime(
        allow_none=True, metadata={"description": "When to send (a minute to a year ahead); none: now"}
    )


class Tracking(Schema):
    """M4: a recipient's opens and clicks, pulled with the report; null until pulled, and for a person
    who did not consent to tracking (Campaign Monitor tracks nothing for them)."""

    opens = fields.Integer(allow_none=True)
    clicks = fields.Integer(allow_none=True)
    links = fields.List(fields.String(), allow_none=True, metadata={"description": "The links clicked"})
    last_opened_at = fields.String(allow_none=True)
    last_clicked_at = fields.String(allow_none=True)


class CampaignRecipient(Tracking):
    contact_id = fields.String(allow_none=True, metadata={"description": "null once the person was erased"})
    email = fields.String(allow_none=True)
    list_id = fields.String(allow_none=True)
    recorded_at = fields.String()
    erased_at = fields.String(allow_none=True)


class CampaignRecipients(Schema):
    total = fields.Integer(allow_none=True)
    items = fields.List(fields.Nested(CampaignRecipient), required=True)


class ContactCampaign(Tracking):
    campaign_id = fields.String(required=True)
    name = fields.String()
    subject = fields.String()
    email = fields.String(allow_none=True)
    list_id = fields.String(allow_none=True)
    sent_at = fields.String()


class ContactCampaigns(Schema):
    items = fields.List(fields.Nested(ContactCampaign), required=True)
