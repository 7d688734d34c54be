"""Contracts of the contacts service's import RPCs: the options of an import and a chunk's rows."""

from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError, fields, validates_schema

from services.contacts.validation import contract as codes

ON_DUPLICATE = ("create", "update_fill", "update_overwrite", "skip")
MATCH_ON = ("email", "phone", "name_birth_date")
COMMIT_MODES = ("all_or_nothing", "valid_rows")
MAX_CHUNK_ROWS = 5000


class ImportConsent(codes.CodedSchema):
    purpose = fields.String(required=True, validate=codes.Length(min=1, max=40))
    text_version = fields.String(allow_none=True, load_default=None, validate=codes.Length(max=60))


class ImportOptions(codes.CodedSchema):
    """How an import treats duplicates, which group and consents it adds, and how it commits."""

    on_duplicate = fields.String(
        load_default=None,
        validate=codes.OneOf(ON_DUPLICATE),
        metadata={
            "description": (
                "Not given: update_fill (fill the matched contact's empty fields), or skip for a caller "
                "without contacts.edit; create (a duplicate) only when asked for."
            )
        },
    )
    overwrite_fields = fields.List(
        fields.String(validate=codes.Length(min=1, max=80)),
        load_default=list,
        metadata={"description": "update_overwrite: the fields to overwrite (none given: every field)."},
    )
    match_on = fields.List(fields.String(validate=codes.OneOf(MATCH_ON)), load_default=lambda: list(MATCH_ON))
    group_id = fields.UUID(allow_none=True, load_default=None)
    consents = fields.List(fields.Nested(ImportConsent), load_default=list)
    commit_mode = fields.String(load_default="all_or_nothing", validate=codes.OneOf(COMMIT_MODES))
    file_name = fields.String(load_default="", validate=codes.Length(max=300))
    source = fields.String(load_default="import", validate=codes.OneOf(("import", "api")))

    class Meta:
        unknown = "exclude"

    @validates_schema
    def check_match_on(self, data: Mapping[str, Any], **kwargs: object) -> None:
        if data.get("on_duplicate") != "create" and not data.get("match_on"):
            raise ValidationError("imp.err.match_on", "match_on")


class ImportRow(codes.CodedSchema):
    """One row: its number in the file (for the report) and its contact values (ContactInput shape)."""

    row = fields.Integer(required=True)
    values = fields.Dict(required=True)
