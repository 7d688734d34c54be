"""The mailing service's public contract (M1, M2, M4, M5): the only module others import. Schemas of its RPC
arguments and results, its constants and error codes (errors.py); no I/O.

A mailing list follows a group (with or without subgroups) or a saved search; its members are evaluated
anew at every sync (contacts.mailing_audience), gated by the list's processing purpose (G1), and pushed to
a Campaign Monitor list by the mailing workers. Templates (M2) are MJML with sandboxed merge fields;
campaigns (M1) are made of a template for lists, sent by the workers through Campaign Monitor, and keep a
per-recipient ledger and their report (M4).
"""

from typing import Final

from marshmallow import Schema, fields, validate

SOURCE_KINDS: Final = ("group", "saved_search")
SYNC_KINDS: Final = ("full", "incremental")
SYNC_STATUSES: Final = ("queued", "running", "done", "failed")
MEMBER_STATES: Final = ("active", "removed", "unsubscribed", "bounced")
FLAG_KINDS: Final = ("bounced", "unsubscribed")
FLAGS_OF_MAX: Final = 1000  # the most contacts flags_of takes in one call
# Reasons the mailing service adds to the contacts service's (deceased, no_email, invalid_email, no_consent).
MAILING_REASONS: Final = ("unsubscribed", "bounced")
NAME_MAX: Final = 200
JOB_QUEUE_NAME: Final = "piiri.mailing.jobs"
MAIL_SEND: Final = "mail.send"
# Campaign Monitor's limits (formats.md §7): a custom field value, the dates it takes, an import call.
CM_VALUE_MAX: Final = 250
CM_DATE_MIN: Final = "1900-01-01"
CM_DATE_MAX: Final = "2076-06-06"
CM_IMPORT_MAX: Final = 1000
CM_PREVIEW_MAX: Final = 15  # addresses of a test send (Campaign Monitor's send_preview)
# The merge fields a mail template (M2) may use, in the order the template form lists them.
MERGE_FIELDS: Final = ("first_name", "last_name", "full_name", "email")
CAMPAIGN_STATUSES: Final = ("draft", "syncing", "dispatching", "scheduled", "sent", "failed")


class MailingListInput(Schema):
    """Create or change a list (``partial`` on change)."""

    name = fields.String(required=True)
    purpose = fields.String(required=True, metadata={"description": "A G1 processing purpose code."})
    source_kind = fields.String(required=True, validate=validate.OneOf(SOURCE_KINDS))
    source_id = fields.UUID(required=True)
    include_subgroups = fields.Boolean(load_default=True)
    synced_fields = fields.List(
        fields.String(),
        data_key="fields",
        attribute="fields",
        load_default=list,
        metadata={
            "description": "Contact fields synced as Campaign Monitor custom fields (custom.<key> too)."
        },
    )


class MailingList(Schema):
    id = fields.UUID(required=True)
    name = fields.String(required=True)
    purpose = fields.String(required=True)
    source_kind = fields.String(required=True)
    source_id = fields.UUID(required=True)
    include_subgroups = fields.Boolean(required=True)
    synced_fields = fields.List(fields.String(), required=True, data_key="fields", attribute="fields")
    cm_list_id = fields.String(allow_none=True)
    cm_fields = fields.Dict(keys=fields.String(), values=fields.String())
    webhook_active = fields.Boolean()
    webhook_deactivated_at = fields.DateTime(allow_none=True)
    created_by = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    archived_at = fields.DateTime(allow_none=True)
    last_sync = fields.Dict(allow_none=True)


class SyncRun(Schema):
    id = fields.UUID(required=True)
    list_id = fields.UUID(required=True)
    kind = fields.String(required=True, metadata={"enum": list(SYNC_KINDS)})
    status = fields.String(required=True, metadata={"enum": list(SYNC_STATUSES)})
    requested_by = fields.String()
    counts = fields.Dict(
        metadata={"description": "audience, pushed, new, existing, failed, removed; excluded {reason: n}"}
    )
    error = fields.String(allow_none=True, metadata={"description": "An error code (mailing.*)."})
    error_details = fields.Dict(allow_none=True)
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


class SyncFailure(Schema):
    contact_id = fields.UUID(required=True)
    code = fields.String(required=True)
    details = fields.Dict()


class ExcludedMember(Schema):
    id = fields.UUID(required=True)
    display_name = fields.String(allow_none=True)
    excluded = fields.String(required=True)


# Transactional mail through SMTP (B3, issue 14): one message to one recipient, queued durably and sent by
# the mailing workers; its status events (MAIL_EVENTS) go out on the mailing service's exchange.
MAIL_STATUSES: Final = ("queued", "sending", "sent", "bounced", "failed")
MAIL_EVENTS: Final = ("mail_sent", "mail_bounced", "mail_failed")
# Who may queue a transactional mail: the billing service acting for a treasurer, or a mailer.
MAIL_QUEUE_PERMISSIONS: Final = ("invoices.manage", "mail.send")
# A document a service renders for a mail when it is sent ({"service", "document", "id"}): the service
# answers ``mail_document(document, id)`` with {"file_name", "content_type", "data" (base64)}.
DOCUMENT_SERVICES: Final = ("billing",)
ATTACHMENT_INLINE_MAX: Final = 512 * 1024  # bytes of a document given inline (larger: by reference)
SUBJECT_MAX: Final = 300
BODY_MAX: Final = 20000


class MailDocument(Schema):
    """A document rendered at send time by the service that owns it (the mail request stays small)."""

    service = fields.String(required=True, validate=validate.OneOf(DOCUMENT_SERVICES))
    document = fields.String(required=True, validate=validate.Length(min=1, max=50))
    id = fields.String(required=True, validate=validate.Length(min=1, max=100))


class MailAttachment(Schema):
    """An attachment: inline bytes (``data``, base64, at most ATTACHMENT_INLINE_MAX) or ``source``."""

    file_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    content_type = fields.String(load_default="application/pdf", validate=validate.Length(max=100))
    data = fields.String(load_default=None, allow_none=True)
    source = fields.Nested(MailDocument, load_default=None, allow_none=True)


class MailReference(Schema):
    """What the mail is about, for the caller to follow its status (e.g. {"kind": "invoice", "id"})."""

    kind = fields.String(required=True, validate=validate.Length(min=1, max=50))
    id = fields.String(required=True, validate=validate.Length(min=1, max=100))


class MailRequest(Schema):
    """queue_mail's input. ``key`` makes the request idempotent: the same key queues one message."""

    key = fields.String(required=True, validate=validate.Length(min=1, max=200))
    to = fields.Email(required=True)
    contact_id = fields.UUID(load_default=None, allow_none=True)
    subject = fields.String(required=True, validate=validate.Length(min=1, max=SUBJECT_MAX))
    body = fields.String(required=True, validate=validate.Length(min=1, max=BODY_MAX))
    language = fields.String(load_default="fi", validate=validate.OneOf(("fi", "sv", "en")))
    reference = fields.Nested(MailReference, load_default=None, allow_none=True)
    attachments = fields.List(
        fields.Nested(MailAttachment), load_default=list, validate=validate.Length(max=5)
    )
    disclosed_fields = fields.List(
        fields.String(validate=validate.Length(max=50)),
        load_default=list,
        metadata={"description": "The personal data fields the mail carries (for the audit record)."},
    )


class Mail(Schema):
    """A transactional mail's state (the message log: personal data, an audited read)."""

    id = fields.UUID(required=True)
    key = fields.String()
    to = fields.String(allow_none=True)
    contact_id = fields.UUID(allow_none=True)
    subject = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": list(MAIL_STATUSES)})
    attempts = fields.Integer()
    code = fields.String(allow_none=True, metadata={"description": "Why it bounced or failed (mailing.*)."})
    detail = fields.String(allow_none=True, metadata={"description": "The SMTP server's or DSN's words."})
    reference = fields.Dict(allow_none=True)
    message_id = fields.String(allow_none=True, metadata={"description": "The Message-ID header."})
    queued_at = fields.DateTime()
    next_attempt_at = fields.DateTime(allow_none=True)
    sent_at = fields.DateTime(allow_none=True)
    bounced_at = fields.DateTime(allow_none=True)
    failed_at = fields.DateTime(allow_none=True)


class MailEvent(Schema):
    """The payload of mail_sent, mail_bounced and mail_failed (version 1)."""

    mail_id = fields.UUID(required=True)
    key = fields.String(required=True)
    status = fields.String(required=True)
    reference = fields.Dict(allow_none=True)
    contact_id = fields.UUID(allow_none=True)
    code = fields.String(allow_none=True)
    at = fields.DateTime(required=True)


# Templates (M2) and campaigns (M1, M4).
class MailTemplateInput(Schema):
    """Create a template, or change one (any of the parts)."""

    name = fields.String(required=True)
    subject = fields.String(required=True, metadata={"description": "Merge fields: {{ first_name }}…"})
    mjml = fields.String(required=True, metadata={"description": "The body in MJML (responsive HTML)."})
    text = fields.String(required=True, metadata={"description": "The plain-text part."})


class MailTemplate(MailTemplateInput):
    id = fields.UUID(required=True)
    created_by = fields.String()
    updated_by = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    archived_at = fields.DateTime(allow_none=True)


class CampaignInput(Schema):
    name = fields.String(required=True)
    template_id = fields.UUID(required=True)
    list_ids = fields.List(fields.UUID(), required=True, metadata={"description": "Piiri mailing lists."})
    from_name = fields.String(required=True)
    from_email = fields.Email(required=True)
    reply_to = fields.Email(load_default=None, allow_none=True)


class Campaign(Schema):
    id = fields.UUID(required=True)
    name = fields.String(required=True)
    template_id = fields.UUID(required=True)
    subject = fields.String()
    list_ids = fields.List(fields.String(), required=True)
    from_name = fields.String()
    from_email = fields.String()
    reply_to = fields.String()
    status = fields.String(metadata={"enum": list(CAMPAIGN_STATUSES)})
    send_at = fields.DateTime(allow_none=True)
    cm_campaign_id = fields.String(allow_none=True)
    error = fields.String(allow_none=True, metadata={"description": "Why it failed (mailing.*)."})
    error_details = fields.Dict(allow_none=True)
    recipients = fields.Integer(allow_none=True, metadata={"description": "The ledger's size, once sent."})
    report = fields.Dict(allow_none=True, metadata={"description": "M4: Campaign Monitor's figures."})
    report_at = fields.DateTime(allow_none=True)
    created_by = fields.String()
    requested_by = fields.String(allow_none=True)
    created_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)
