"""The mailing service's public contract (M1, M5): the only module others import. Schemas of its RPC
arguments and results, its constants and error codes (errors.py); no I/O.

A mailing list follows a group (with or without subgroups) or a saved search; its members are evaluated
anew at every sync (contacts.mailing_audience), gated by the list's processing purpose (G1), and pushed to
a Campaign Monitor list by the mailing workers.
"""

from typing import Final

from marshmallow import Schema, fields, validate

SOURCE_KINDS: Final = ("group", "saved_search")
SYNC_KINDS: Final = ("full", "incremental")
SYNC_STATUSES: Final = ("queued", "running", "done", "failed")
MEMBER_STATES: Final = ("active", "removed", "unsubscribed", "bounced")
FLAG_KINDS: Final = ("bounced", "unsubscribed")
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
