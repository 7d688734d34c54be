"""The registry of export formats (I2): each format module registers a writer with @export_format.

A writer is `write(rows, options, out, language)`: `rows` an iterator of row dicts (services/exports/rows.py),
`options` the dict its options schema loaded (JSON values: the job stores them), `out` a binary file
object to write to, `language` 'fi' or 'en'.
`options` also holds "columns": the chosen columns resolved (services/exports/columns.py: a list of
{"key", "label_fi", "label_en", "type"}); columns.typed_value(row, column) / text_value(...) give a cell.
It must stream: read the rows one at a time and never hold them all. It returns nothing, or a dict with
any of "rows_written" (when it leaves rows out, e.g. contacts without an e-mail), "notes" (counts of what
it left out and why, {"skipped_no_address": 3}: the job shows them; gateway/i18n_exports.py words each
key), "content_type" and "extension" (when an option changes them, e.g. the QR code as SVG).
Tests: services/exports/rows.sample_row(**overrides) makes a complete row.

Format modules are imported at the bottom of this module (FORMAT_MODULES): a new format adds one line there.
"""

import importlib
from dataclasses import dataclass, field

from marshmallow import Schema, ValidationError

from piiri.errors import ValidationFailed


class NoOptions(Schema):
    """A format without options."""


@dataclass(frozen=True)
class ExportFormat:
    name: str
    write: object
    content_type: str
    extension: str
    label_fi: str
    label_en: str
    options: type = NoOptions
    default_exclude_deceased: bool = False
    uses_columns: bool = True  # False for layouts (labels, vCard) that pick their own fields
    single_contact: bool = False  # True for formats of exactly one contact (qr_vcard)
    extra: dict = field(default_factory=dict)

    def label(self, language):
        return self.label_fi if language == "fi" else self.label_en

    def load_options(self, data):
        """The options loaded by the format's schema; ValidationFailed names each bad option."""
        if data is not None and not isinstance(data, dict):
            raise ValidationFailed("Format options must be an object.", {"options": ["Not an object."]})
        try:
            return self.options().load(data or {})
        except ValidationError as exc:
            raise ValidationFailed(
                f"Some options of the {self.name} format are not valid.", exc.normalized_messages()
            ) from None

    def file_name(self, stem="piiri-export"):
        return f"{stem}.{self.extension}"


_FORMATS = {}


def export_format(
    name,
    *,
    content_type,
    extension,
    label_fi,
    label_en,
    options=NoOptions,
    default_exclude_deceased=False,
    uses_columns=True,
    single_contact=False,
):
    """Register the decorated `write(rows, options, out, language)` as the export format `name`."""

    def register(write):
        if name in _FORMATS:
            raise RuntimeError(f"The export format {name} is registered twice.")
        _FORMATS[name] = ExportFormat(
            name=name,
            write=write,
            content_type=content_type,
            extension=extension,
            label_fi=label_fi,
            label_en=label_en,
            options=options,
            default_exclude_deceased=default_exclude_deceased,
            uses_columns=uses_columns,
            single_contact=single_contact,
        )
        return write

    return register


def formats():
    """Every registered format, in registration order."""
    return list(_FORMATS.values())


def get_format(name):
    """The format called `name`; ValidationFailed if there is none."""
    try:
        return _FORMATS[name]
    except (KeyError, TypeError):
        known = ", ".join(_FORMATS)
        raise ValidationFailed(
            f"Unknown export format {name!r}; use one of {known}.", {"format": [f"Use one of {known}."]}
        ) from None


FORMAT_MODULES = (
    "services.exports.formats.xlsx",
    "services.exports.formats.csv_format",
    "services.exports.formats.email_list",
    "services.exports.formats.vcard",
    "services.exports.formats.qr_vcard",
    "services.exports.formats.json_formats",
    "services.exports.formats.labels",
    "services.exports.formats.name_cards",
    "services.exports.formats.pdf_list",
)

for _module in FORMAT_MODULES:
    importlib.import_module(_module)
