"""Files the exports service writes at once, without a job (I2): one contact's vCard or QR code, and
one page of the NDJSON/JSON stream of GET /api/v1/contacts:export. Pure: the service fetches the rows
(contacts.export_page, audited there per page) and the gateway passes the bytes on unchanged.
"""

import base64
import io
import re

from piiri.errors import NotFound, ValidationFailed, coded
from services.exports.contract import CARD_FORMATS, STREAM_FORMATS
from services.exports.contract.rows import CUSTOM_PREFIX, ROW_FIELDS
from services.exports.formats import get_format
from services.exports.formats.json_formats import dumps

SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def card_format(name):
    """The format of a one-contact file: vcard or qr_vcard."""
    if name not in CARD_FORMATS:
        known = ", ".join(CARD_FORMATS)
        raise ValidationFailed("exp.err.invalid", {"format": [coded("value.one_of", choices=known)]})
    return get_format(name)


def stream_content_type(name):
    """The content type of a stream format; ValidationFailed unless ndjson or json."""
    if name not in STREAM_FORMATS:
        raise ValidationFailed(
            "exp.err.invalid", {"format": [coded("value.one_of", choices=", ".join(STREAM_FORMATS))]}
        )
    return get_format(name).content_type


def stream_fields(columns):
    """The row fields a stream reads: every field of a row, plus the custom columns asked for."""
    if columns is not None and not isinstance(columns, list | tuple):
        raise ValidationFailed("exp.err.invalid", {"columns": ["value.not_list"]})
    custom = [
        column for column in columns or () if isinstance(column, str) and column.startswith(CUSTOM_PREFIX)
    ]
    return list(ROW_FIELDS) + custom


def card_file(export_format, contact_id, rows, options):
    """One contact's file: {"file_name", "content_type", "data" (base64)}; NotFound without the contact."""
    if not rows:
        raise NotFound(f"No contact with id {contact_id}.", {"id": str(contact_id)})
    loaded = {**export_format.load_options(options or {}), "columns": []}
    out = io.BytesIO()
    result = export_format.write(iter(rows), loaded, out, "fi") or {}
    content_type = result.get("content_type", export_format.content_type)
    extension = result.get("extension", export_format.extension)
    stem = SAFE_NAME.sub("-", rows[0].get("display_name") or "").strip("-") or "contact"
    return {
        "file_name": f"{stem}.{extension}",
        "content_type": content_type,
        "data": base64.b64encode(out.getvalue()).decode("ascii"),
    }


def stream_text(name, rows, first_page, last_page):
    """One page of the stream as text; the pages in order make the whole file: NDJSON one row a line,
    JSON an array ('[' opens the first page, ']' closes the last)."""
    if name == "ndjson":
        return "".join(dumps(row) + "\n" for row in rows)
    parts = ["["] if first_page else []
    for number, row in enumerate(rows):
        parts.append(("" if first_page and number == 0 else ",") + "\n" + dumps(row))
    if last_page:
        parts.append("\n]\n")
    return "".join(parts)
