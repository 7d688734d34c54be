"""Running one export job (I2), without Nameko: page the selection through contacts.export_page, hand the
rows to the format writing a temporary file, then store the file in chunks.

``fetch_page(cursor)`` is contacts.export_page for the job (acting as the job's actor);
``on_page(rows_done, rows_total)`` records progress and the worker's heartbeat and returns False when the
job is gone (deleted), which stops the run.
"""

import tempfile

from services.exports import columns as export_columns
from services.exports.contract.rows import ROW_FIELDS
from services.exports.formats import get_format  # noqa: F401  (re-exported for the worker)

CHUNK_BYTES = 1024 * 1024


class JobGone(Exception):
    """The job was deleted while it ran."""


def audit_columns(job, export_format):
    """The fields the export reads: the chosen columns, or every row field for layout formats."""
    if export_format.uses_columns:
        return job["columns"] or export_columns.check_columns(None)
    return list(ROW_FIELDS)


def rows_of(first, fetch_page, on_page, contact_ids):
    """Every row of the selection, page by page; each row's contact id, its couple's id and the couple's
    members' ids (the couple's address name names the partner: G3 lists the file in the partner's
    access report, G4 deletes it) are added to ``contact_ids``."""
    page, done = first, 0
    while True:
        contact_ids.update(item["id"] for item in page["items"] if item.get("id"))
        for item in page["items"]:
            couple = item.get("couple") or {}
            contact_ids.update(filter(None, [couple.get("id"), *(couple.get("member_ids") or ())]))
        yield from page["items"]
        done += len(page["items"])
        if on_page(done, None) is False:
            raise JobGone()
        if not page.get("next_cursor"):
            return
        page = fetch_page(page["next_cursor"])


def write_file(job, fetch_page, on_page, out):
    """Write the job's file to ``out``; returns {"rows_done", "rows_written", "notes", "content_type",
    "extension", "contact_ids"} (the contacts read for the file: a superset of those in it)."""
    export_format = get_format(job["format"])
    first = fetch_page(None)
    if on_page(0, first.get("total")) is False:
        raise JobGone()
    resolved = (
        export_columns.resolve(job["columns"], first.get("custom_fields") or {})
        if export_format.uses_columns
        else []
    )
    options = {**export_format.load_options(job["options"]), "columns": resolved}
    counted, contact_ids = {"rows": 0}, set()

    def progress(done, total):
        counted["rows"] = done
        return on_page(done, total)

    result = (
        export_format.write(rows_of(first, fetch_page, progress, contact_ids), options, out, job["language"])
        or {}
    )
    return {
        "rows_done": counted["rows"],
        "rows_written": result.get("rows_written", counted["rows"]),
        "notes": result.get("notes") or {},
        "content_type": result.get("content_type", export_format.content_type),
        "extension": result.get("extension", export_format.extension),
        "contact_ids": contact_ids,
    }


def chunks(handle):
    handle.seek(0)
    while True:
        data = handle.read(CHUNK_BYTES)
        if not data:
            return
        yield data


def run(job, fetch_page, on_page, store_file):
    """Write the file to a temporary file, then ``store_file(chunks iterator, size, result)``."""
    with tempfile.TemporaryFile(prefix="piiri-export-") as handle:
        result = write_file(job, fetch_page, on_page, handle)
        size = handle.seek(0, 2)
        store_file(chunks(handle), size, result)
    return result
