"""Contracts of the imports service: the options and mapping a user chooses, and an import job as
returned (status, progress, counts)."""

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from piiri.errors import ValidationFailed

ON_DUPLICATE = ("create", "update_fill", "update_overwrite", "skip")
MATCH_ON = ("email", "phone", "name_birth_date")
COMMIT_MODES = ("all_or_nothing", "valid_rows")
MAX_BATCH = 5000
PART_BYTES = 1024 * 1024  # an upload travels in parts of at most this size


class ConsentOption(Schema):
    purpose = fields.String(required=True, validate=validate.Length(min=1, max=40))
    text_version = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=60))


class ImportOptions(Schema):
    """What an import does with duplicates, which group and consents it adds, how it commits."""

    on_duplicate = fields.String(
        load_default=None,
        validate=validate.OneOf(ON_DUPLICATE),
        metadata={
            "description": (
                "What a row matching an existing contact does: update_fill (the default: fill the "
                "contact's empty fields; skip for a user without contacts.edit) | update_overwrite | skip "
                "| create (a new contact anyway, a duplicate)."
            )
        },
    )
    overwrite_fields = fields.List(fields.String(validate=validate.Length(min=1, max=80)), load_default=list)
    match_on = fields.List(
        fields.String(validate=validate.OneOf(MATCH_ON)), load_default=lambda: list(MATCH_ON)
    )
    group_id = fields.UUID(allow_none=True, load_default=None)
    consents = fields.List(fields.Nested(ConsentOption), load_default=list)
    commit_mode = fields.String(load_default="all_or_nothing", validate=validate.OneOf(COMMIT_MODES))

    class Meta:
        unknown = "raise"

    @validates_schema
    def check_match_on(self, data: Mapping[str, Any], **kwargs: object) -> None:
        if data.get("on_duplicate") != "create" and not data.get("match_on", MATCH_ON):
            raise ValidationError("imp.err.match_on", "match_on")


class ImportJob(Schema):
    id = fields.UUID()
    filename = fields.String()
    source = fields.String()
    actor_username = fields.String()
    status = fields.String()
    file_size = fields.Integer()
    sheet = fields.String(allow_none=True)
    sheet_names = fields.List(fields.String())
    headers = fields.List(fields.String())
    mapping = fields.Dict()
    options = fields.Dict()
    total_rows = fields.Integer()
    validated_rows = fields.Integer()
    invalid_rows = fields.Integer()
    committed_rows = fields.Integer()
    counts = fields.Dict(
        metadata={
            "description": (
                "validated: found {new, existing, in_file, ambiguous} (what the rows will do); done: "
                "created, updated, unchanged, skipped, errors; undone: also undone {deleted, restored}."
            )
        }
    )
    error = fields.Dict(allow_none=True)
    phase = fields.String(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    expired_at = fields.DateTime(
        allow_none=True, metadata={"description": "When the file and rows were deleted (IMPORT_KEEP_HOURS)."}
    )
    expires_at = fields.DateTime(
        allow_none=True,
        metadata={"description": "When the file and rows will be deleted (IMPORT_KEEP_HOURS)."},
    )
    erased_at = fields.DateTime(
        allow_none=True,
        metadata={"description": "When the file and rows were deleted because a person in them was erased."},
    )


def default_on_duplicate(can_edit: bool = True) -> str:
    """The safe default for rows matching an existing contact: fill its empty fields, or — for a user
    who may not edit contacts — skip the row. Never a duplicate unless asked for ("create")."""
    return "update_fill" if can_edit else "skip"


def load_options(data: Mapping[str, object] | None, can_edit: bool = True) -> dict[str, Any]:
    """The options checked, with their defaults (``can_edit``: whether the user may update contacts,
    which decides the default of ``on_duplicate``)."""
    try:
        options: dict[str, Any] = ImportOptions().load(data or {})
    except ValidationError as exc:
        raise ValidationFailed("The import options are not valid.", exc.normalized_messages()) from None
    if options["on_duplicate"] is None:
        options["on_duplicate"] = default_on_duplicate(can_edit)
    options["group_id"] = str(options["group_id"]) if options["group_id"] else None
    return options
