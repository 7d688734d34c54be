"""The writers of the export formats (I2): each format module registers a writer with
@export_format(name) for a format the contract's catalogue describes (services/exports/contract/formats.py:
name, content type, extension, labels, options schema, flags).

A writer is `write(rows, options, out, language)`: `rows` an iterator of row dicts
(services/exports/contract/rows.py), `options` the dict its options schema loaded (JSON values: the job
stores them), `out` a binary file
object to write to, `language` 'fi' or 'en'.
`options` also holds "columns": the chosen columns resolved (services/exports/columns.py: a list of
{"key", "label_fi", "label_en", "type"}); columns.typed_value(row, column) / text_value(...) give a cell.
It must stream: read the rows one at a time and never hold them all. It returns nothing, or a dict with
any of "rows_written" (when it leaves rows out, e.g. contacts without an e-mail), "notes" (counts of what
it left out and why, {"skipped_no_address": 3}: the job shows them; the gateway's exports catalog words each
key), "content_type" and "extension" (when an option changes them, e.g. the QR code as SVG).
Tests: services/exports/contract/rows.sample_row(**overrides) makes a complete row.

Format modules are imported at the bottom of this module (FORMAT_MODULES): a new format adds one line there.
"""

import importlib
from dataclasses import dataclass, fields

from services.exports.contract import formats as catalogue
from services.exports.contract.formats import NoOptions  # noqa: F401  (the service's modules use it from here)


@dataclass(frozen=True)
class ExportFormat(catalogue.FormatInfo):
    """A format of the catalogue with its writer."""

    write: object = None


_FORMATS = {}


def export_format(name):
    """Register the decorated `write(rows, options, out, language)` as the writer of the catalogue's format
    `name`."""
    info = catalogue.get_format(name)

    def register(write):
        if name in _FORMATS:
            raise RuntimeError(f"The export format {name} is registered twice.")
        described = {item.name: getattr(info, item.name) for item in fields(info)}
        _FORMATS[name] = ExportFormat(**described, write=write)
        return write

    return register


def formats():
    """Every format with its writer, in the catalogue's order."""
    return [_FORMATS[item.name] for item in catalogue.formats()]


def get_format(name):
    """The format called `name` with its writer; ValidationFailed if there is none."""
    return _FORMATS[catalogue.get_format(name).name]


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

_missing = [item.name for item in catalogue.formats() if item.name not in _FORMATS]
if _missing:
    raise RuntimeError(f"Export formats without a writer: {', '.join(_missing)}.")
