"""The import pipeline as plain functions (no Nameko, no SQL): read the stored file, validate every row,
and cut the valid rows into numbered chunks from a restart cursor, so a resumed job sends exactly the
chunks it would have sent (the contacts service commits each chunk once)."""

from datetime import date, datetime
from decimal import Decimal

from services.imports import mapping, reading

CHUNK_ROWS = 1000
PREVIEW_ROWS = 20


def open_file(data, job):
    """The job's table (reading.open_table); ImportFileError when the file cannot be imported."""
    return reading.open_table(data, job["filename"], job.get("sheet"))


def validator(job, custom_field_definitions, headers):
    """The RowValidator of the job's mapping, cells in the order of the table's ``headers``."""
    from services.imports import validation

    catalogue = mapping.build_catalogue(custom_field_definitions)
    return validation.RowValidator(catalogue, job["mapping"], custom_field_definitions, headers=list(headers))


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


def chunks(table, row_validator, start_row=None, chunk_rows=CHUNK_ROWS):
    """Valid rows in chunks from ``start_row``: yields (rows, next_row, skipped_errors) where rows are
    [{"row", "values"}], ``next_row`` the row number to resume after this chunk and ``skipped_errors``
    the rows left out as invalid [(row_number, errors, cells)]."""
    batch, invalid, last = [], [], None
    for row_number, cells, values, errors in validated_rows(table, row_validator, start_row):
        last = row_number
        if errors:
            invalid.append((row_number, jsonable(errors), jsonable(cells)))
        else:
            batch.append({"row": row_number, "values": jsonable(values)})
        if len(batch) >= chunk_rows:
            yield batch, last + 1, invalid
            batch, invalid = [], []
    if batch or invalid:
        yield batch, (last + 1) if last is not None else start_row, invalid


def add_counts(counts, result):
    merged = dict(counts or {})
    for key in ("created", "updated", "skipped", "unchanged", "errors"):
        merged[key] = merged.get(key, 0) + int(result.get(key, 0))
    return merged
