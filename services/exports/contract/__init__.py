"""The exports service's published contract (version 1): a job as returned, and start_export's input."""

from marshmallow import Schema, fields, validate

LANGUAGES = ("fi", "sv", "en")  # the UI's languages: a file is made in the user's
# The durable queue the export workers consume (the gateway's health answer counts its consumers).
JOB_QUEUE_NAME = "piiri.exports.jobs"
# Files written at once, without a job: one contact's card (contact_file) and the pages of the row
# stream (stream_page) that GET /api/v1/contacts:export passes on unchanged.
CARD_FORMATS = ("vcard", "qr_vcard")
STREAM_FORMATS = ("ndjson", "json")


class ExportJob(Schema):
    """An export job: queued, running (rows_done of rows_total), done (file ready), failed (error) or
    expired (its file deleted after EXPORT_KEEP_HOURS)."""

    id = fields.UUID(required=True)
    actor_id = fields.String()
    actor_username = fields.String()
    format = fields.String(metadata={"description": "The format's name (GET /api/v1/exports/formats)."})
    selection = fields.Dict(metadata={"description": "The contacts exported, as given."})
    options = fields.Dict(metadata={"description": "The format's options, as loaded."})
    columns = fields.List(fields.String(), metadata={"description": "The columns chosen (flat formats)."})
    language = fields.String()
    status = fields.String(
        metadata={"description": "queued, running, done, failed, or expired (the file was deleted)."}
    )
    rows_done = fields.Integer(metadata={"description": "Contacts read so far."})
    rows_total = fields.Integer(allow_none=True, metadata={"description": "Contacts in the selection."})
    rows_written = fields.Integer(
        allow_none=True, metadata={"description": "Rows in the file (an e-mail list leaves some out)."}
    )
    notes = fields.Dict(
        metadata={
            "description": "What the format left out, and why: skipped_no_address, skipped_couple_partner "
            "(labels), skipped_deceased, skipped_no_email, skipped_duplicate_address (e-mail lists)."
        }
    )
    error = fields.String(
        allow_none=True,
        metadata={"description": "Why it failed: a code (e.g. value.no_custom_field) with error_params."},
    )
    error_params = fields.Dict(metadata={"description": "The values the error's text needs."})
    file_name = fields.String(allow_none=True)
    content_type = fields.String(allow_none=True)
    size = fields.Integer(allow_none=True, metadata={"description": "Bytes of the finished file."})
    chunk_count = fields.Integer(metadata={"description": "Chunks of the file (read_file_chunk 0…n-1)."})
    attempts = fields.Integer(metadata={"description": "Runs so far (a job restarts if its worker died)."})
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    expires_at = fields.DateTime(
        allow_none=True, metadata={"description": "When a finished file will be deleted (EXPORT_KEEP_HOURS)."}
    )
    expired_at = fields.DateTime(allow_none=True, metadata={"description": "When the file was deleted."})
    erased_at = fields.DateTime(
        allow_none=True,
        metadata={
            "description": "When the file was deleted (or the job stopped) because a person was erased."
        },
    )


class StartExportInput(Schema):
    format = fields.String(required=True, metadata={"description": "xlsx, csv, email_list, labels, …"})
    selection = fields.Dict(
        required=True,
        metadata={
            "description": 'Which contacts: {"kind": "search", "query", "filters"} | {"kind": "advanced", '
            '"expression"} | {"kind": "saved_search", "id"} | {"kind": "group", "id", "include_subgroups"} '
            '| {"kind": "ids", "ids": [...]}, with optional "exclude_deceased" (default: the format\'s) '
            'and "exclude_statuses": [status kind, …].'
        },
    )
    columns = fields.List(
        fields.String(),
        load_default=None,
        metadata={"description": "Columns of flat formats: standard names and custom.<key>."},
    )
    options = fields.Dict(load_default=dict, metadata={"description": "The format's options."})
    language = fields.String(load_default="fi", validate=validate.OneOf(LANGUAGES))
