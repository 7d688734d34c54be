"""The import pipeline as plain functions (no Nameko, no SQL): read the stored file, validate every row,
and cut the valid rows into numbered batches, always the same for the same file and mapping: the
validation stores them, the commit sends them, and the contacts service commits each chunk once."""

import hashlib
import json
import logging
from datetime import date, datetime
from decimal import Decimal

from eventlet import tpool

from services.imports import mapping, reading
from services.imports.errors import ImportFileError

log = logging.getLogger(__name__)

CHUNK_ROWS = 1000
PREVIEW_ROWS = 20


def open_file(data, job, limits=None):
    """The job's table (reading.open_table under ``limits``, a limits.Limits); ImportFileError when the
    file cannot be imported.

    Opening is the CPU-heavy part (the limits, unpacking and scanning a sheet, decoding and counting a
    CSV): it runs in a native thread (eventlet.tpool), so the serving process's other greenlets — its
    other RPCs, /health, AMQP heartbeats — keep running meanwhile (issue 12 items 1–2). A reader failing
    in a way it did not foresee fails the import as 'unreadable' instead of leaving it half-opened.
    """
    try:
        return tpool.execute(reading.open_table, data, job["filename"], job.get("sheet"), limits=limits)
    except ImportFileError:
        raise
    except Exception as exc:
        log.exception("import %s: reading %r failed", job.get("id"), job.get("filename"))
        raise ImportFileError("unreadable", "import.file.unreadable", reason=type(exc).__name__) from None


def validator(job, custom_field_definitions, headers):
    """The RowValidator of the job's mapping, cells in the order of the table's ``headers``."""
    from services.imports import validation

    catalogue = mapping.build_catalogue(custom_field_definitions)
    return validation.RowValidator(catalogue, job["mapping"], custom_field_definitions, headers=list(headers))


def json_default(value):
    """json.dumps' ``default`` for a row's values: what jsonable() does to a date, datetime or Decimal."""
    if isinstance(value, datetime | date | Decimal):
        return jsonable(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dump_batch(rows):
    """A batch's rows as the JSON bytes stored for the commit (the C encoder; dates through json_default)."""
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"), default=json_default).encode()


def jsonable(value):
    """Cell values and contact values as JSON (dates as ISO text, numbers as text when not int/float)."""
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def validated_rows(table, row_validator, start=None):
    """(row_number, cells, values, errors) for each data row from ``start`` on."""
    for row_number, cells in table.rows(start=start):
        values, errors = row_validator.validate(row_number, cells)
        yield row_number, cells, values, errors


def preview(table, row_validator, limit=PREVIEW_ROWS):
    """The first rows as they will be stored, with their errors."""
    rows = []
    for row_number, cells, values, errors in validated_rows(table, row_validator):
        rows.append(
            {
                "row": row_number,
                "cells": jsonable(cells),
                "values": jsonable(values or {}),
                "errors": errors or {},
            }
        )
        if len(rows) >= limit:
            break
    return rows


def batches(table, row_validator, chunk_rows=CHUNK_ROWS):
    """The whole table in numbered batches of ``chunk_rows`` rows read: yields (chunk_no, rows, next_row,
    invalid, seen) where ``rows`` are the valid rows [{"row", "values"}] (values as read: dump_batch
    stores them as JSON; chunk_no None when there are
    none: no chunk is used up), ``next_row`` the row number after the batch, ``invalid`` the rows with
    errors [(row_number, errors, cells)] and ``seen`` how many rows were read. The same file and mapping
    always give the same batches."""
    chunk_no, valid, invalid, seen, last = 0, [], [], 0, None
    for row_number, cells, values, errors in validated_rows(table, row_validator):
        seen, last = seen + 1, row_number
        if errors:
            invalid.append((row_number, jsonable(errors), jsonable(cells)))
        else:
            valid.append({"row": row_number, "values": values})  # dump_batch makes it JSON
        if seen == chunk_rows:
            chunk_no += bool(valid)
            yield (chunk_no if valid else None), valid, last + 1, invalid, seen
            valid, invalid, seen = [], [], 0
    if seen:
        chunk_no += bool(valid)
        yield (chunk_no if valid else None), valid, last + 1, invalid, seen


def match_kinds(matches, seen):
    """Each row's part in the import, from the contacts service's ``match_import_rows`` answer: {row:
    {"kind", "contact_id", "name", "duplicate_of"}}, kind "existing" (matches a contact, by id),
    "in_file" (matches an earlier row of the file: ``duplicate_of`` its number), "ambiguous" (matches
    several contacts) or "new"; rows not valid are left out. ``seen`` ({match key: first row number}) carries
    the keys of the rows before over the file's batches, in the order of the file."""
    kinds = {}
    for found in matches:
        if found.get("invalid"):
            continue
        row, kind, duplicate_of = int(found["row"]), "new", None
        if found.get("contact_id"):
            kind = "existing"
        elif found.get("ambiguous"):
            kind = "ambiguous"
        else:
            earlier = [seen[key] for key in found.get("keys", ()) if key in seen]
            if earlier:
                kind, duplicate_of = "in_file", min(earlier)
        for key in found.get("keys", ()):
            seen.setdefault(key, row)
        kinds[row] = {
            "kind": kind,
            "contact_id": found.get("contact_id"),
            "name": found.get("name"),
            "duplicate_of": duplicate_of,
        }
    return kinds


def key_digest(salt, key):
    """A match key (or a matched contact's mark) as a signed 64-bit keyed digest under ``salt`` (what
    import_seen_keys holds: nobody without the salt can tell whose key it is)."""
    digest = hashlib.blake2b(key.encode(), digest_size=8, key=salt).digest()
    return int.from_bytes(digest, "big", signed=True)


def digested(matches, salt):
    """The ``match_import_rows`` answer with each row's ``keys`` as key_digest()s, and the mark of the
    contact it matched (``contact:<id>``) as ``contact_mark``: what match_kinds and ChunkOrder then
    compare (two keys share a digest once in ~10^19 pairs; the worst that does is a row counted as
    repeating an earlier one, or a chunk that waits for one it need not)."""
    rows = []
    for found in matches:
        contact_id = found.get("contact_id")
        rows.append(
            {
                **found,
                "keys": [key_digest(salt, key) for key in found.get("keys", ())],
                "contact_mark": key_digest(salt, f"contact:{contact_id}") if contact_id else None,
            }
        )
    return rows


def marks_of(matches):
    """Every key and matched-contact mark of a batch's (valid) rows: what ChunkOrder compares."""
    marks = set()
    for found in matches:
        if found.get("invalid"):
            continue
        marks.update(found.get("keys", ()))
        if found.get("contact_id"):
            marks.add(found.get("contact_mark") or f"contact:{found['contact_id']}")
    return marks


class ChunkOrder:
    """The chunk each batch must commit after (issue 17), from the validation's duplicate matching: the
    highest earlier chunk that shares a match key or a matched existing contact with it, 0 when none
    does. A batch whose rows share nothing with the chunks before it cannot see or change what they
    write (a contact they create or update is found only through those keys or that contact), so it
    may commit beside them. Without matching (``matching`` False: no ``match_on``) no row looks for
    another, and every chunk is free (0)."""

    def __init__(self, matching):
        self.matching = matching
        self.last_chunk = {}  # key or "contact:<id>" -> the last chunk that had it

    def after(self, chunk_no, matches, last_chunk=None):
        """``matches``: the chunk's ``match_import_rows`` answer (rows refused by the contacts service's
        checks have no keys: they are not written). ``last_chunk``: {mark: the last chunk that had it}
        of (at least) this chunk's marks, read from import_seen_keys and updated here; None: this
        object's own, for the whole file in memory."""
        if not self.matching:
            return 0
        last_chunk = self.last_chunk if last_chunk is None else last_chunk
        marks = marks_of(matches)
        ambiguous = any(found.get("ambiguous") for found in matches if not found.get("invalid"))
        after = max((last_chunk.get(mark, 0) for mark in marks), default=0)
        for mark in marks:
            last_chunk[mark] = chunk_no
        return chunk_no - 1 if ambiguous else after  # several contacts: keep the file's order


def count_kinds(counts, kinds):
    """``counts`` ({new, existing, in_file, ambiguous}) plus the rows of ``kinds`` (match_kinds)."""
    merged = {key: int((counts or {}).get(key, 0)) for key in ("new", "existing", "in_file", "ambiguous")}
    for found in kinds.values():
        merged[found["kind"]] += 1
    return merged


def add_counts(counts, result):
    merged = dict(counts or {})
    for key in ("created", "updated", "skipped", "unchanged", "errors"):
        merged[key] = merged.get(key, 0) + int(result.get(key, 0))
    return merged
