"""The imports service's erasure of a person's values where no contact id names them (G4, issue 19).

An erasure request names the imports whose rows created or changed the person (jobs.erase_jobs deletes
their data). The person can also be in imports that name no contact: an upload not validated or not
committed yet, a row refused (before or at commit), a failed import's file. Kept until
IMPORT_KEEP_HOURS, those would outlive the erasure; so the request carries digests of the person's
values (piiri/erasure_keys.py) and this module compares them with everything the service keeps:

- a job whose file, first rows kept for the preview, validated batches or rows with errors hold a row
  with one of the person's e-mails or phones, or every word of one of their names, loses all of that
  (like an import naming them: the file cannot be rewritten without the row), keeps its counts and is
  marked ``erased_at``; one not finished is cancelled;
- in every job the file name, the column names, the mapping, the error of a failed job and the
  messages of the rows with errors have the person's values and own words (those no other contact has)
  replaced by ``[erased]``;
- a remembered column mapping whose column names hold the person's values is deleted (a file whose
  first row was a person's row, not a header);
- the published outbox rows about the erased jobs or holding the person's values are deleted at once
  (not OUTBOX_KEEP_SECONDS later).

A row shared by the person and someone else is erased with the person: a GDPR officer prefers losing
an upload (the importer uploads it again) to keeping the erased person's data. What is kept without a
value: the job (who, when, counts), its file name with the values replaced.
"""

import io
import json
import zipfile

from eventlet import tpool
from sqlalchemy import delete, select, update

from piiri import outbox as outbox_rows
from services.imports import jobs, reading
from services.imports.models import import_jobs, import_mappings, import_row_batches, import_row_errors
from services.imports.models import outbox as import_outbox

TEXT_COLUMNS = ("filename", "headers", "mapping", "error", "sheet", "sheet_names")


def erase_matching(session, matcher, limits, skip=()):
    """Erase the kept data of every job holding the person (``matcher``: piiri.erasure_keys.Matcher),
    then redact the texts of every job; returns {imports_matched, texts_redacted, mappings_deleted}."""
    matched = [
        job_id for job_id in _jobs_with_data(session, skip) if _holds(session, job_id, matcher, limits)
    ]
    jobs.erase_jobs(session, matched)
    return {
        "imports_matched": len(matched),
        "texts_redacted": _redact_texts(session, matcher),
        "mappings_deleted": _forget_mappings(session, matcher),
        "outbox_rows_deleted": _forget_published(session, matcher, [*skip, *matched]),
    }


def jobs_holding(session, matcher, limits, skip=()):
    """The ids of the jobs whose kept data holds the person (for the access report; nothing changes)."""
    return [job_id for job_id in _jobs_with_data(session, skip) if _holds(session, job_id, matcher, limits)]


def _jobs_with_data(session, skip):
    query = (
        select(import_jobs.c.id)
        .where(import_jobs.c.expired_at.is_(None), import_jobs.c.erased_at.is_(None))
        .order_by(import_jobs.c.created_at)
    )
    skipped = {str(job_id) for job_id in skip}
    return [job_id for job_id in session.execute(query).scalars() if str(job_id) not in skipped]


def _holds(session, job_id, matcher, limits):
    """Does anything kept of the job (file, preview rows, batches, rows with errors) hold the person?
    Read without a lock (a running import's worker keeps beating meanwhile); jobs.erase_jobs locks the
    jobs it erases."""
    job = jobs.get_job(session, job_id)
    if job is None or job["erased_at"] or job["expired_at"]:
        return False
    if any(matcher.matches(row) for row in job["sample_rows"] or ()):
        return True
    errors = session.execute(
        select(import_row_errors.c.errors, import_row_errors.c.cells).where(
            import_row_errors.c.job_id == job_id
        )
    )
    if any(matcher.matches([row.errors, row.cells]) for row in errors):
        return True
    batches = session.execute(
        select(import_row_batches.c.rows).where(import_row_batches.c.job_id == job_id)
    ).scalars()
    if any(matcher.matches(row) for data in batches for row in json.loads(data)):
        return True
    data = jobs.file_data(session, job_id)
    return bool(data) and tpool.execute(_file_holds, data, job, matcher, limits)


def _file_holds(data, job, matcher, limits):
    """Does a row of the uploaded file hold the person? A file that cannot be read as a table (broken,
    still uploading) is read as text, line by line."""
    try:
        table = reading.open_table(data, job["filename"], job.get("sheet"), limits=limits)
        if matcher.matches(table.headers):
            return True
        return any(matcher.matches(cells) for _, cells in table.rows())
    except Exception:  # ImportFileError, or a reader failing unforeseen: the raw text still counts
        pass
    return any(matcher.matches(line) for line in _raw_lines(data))


def _raw_lines(data):
    if data.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                texts = [archive.read(name) for name in archive.namelist()]
        except (zipfile.BadZipFile, OSError, RuntimeError, ValueError):
            texts = [data]
    else:
        texts = [data]
    for raw in texts:
        yield from raw.decode("utf-8", errors="replace").splitlines()


def _redact_texts(session, matcher):
    """Replace the person's values in every job's texts and row error messages; returns how many rows
    changed."""
    changed = 0
    columns = [import_jobs.c.id, *(import_jobs.c[name] for name in TEXT_COLUMNS)]
    for row in session.execute(select(*columns)).all():
        values = {name: matcher.redacted_value(getattr(row, name)) for name in TEXT_COLUMNS}
        if any(values[name] != getattr(row, name) for name in TEXT_COLUMNS):
            session.execute(update(import_jobs).where(import_jobs.c.id == row.id).values(**values))
            changed += 1
    errors = select(import_row_errors.c.job_id, import_row_errors.c.row_number, import_row_errors.c.errors)
    for row in session.execute(errors).all():
        redacted = matcher.redacted_value(row.errors)
        if redacted != row.errors:
            session.execute(
                update(import_row_errors)
                .where(
                    import_row_errors.c.job_id == row.job_id, import_row_errors.c.row_number == row.row_number
                )
                .values(errors=redacted)
            )
            changed += 1
    return changed


def _forget_mappings(session, matcher):
    """Delete the remembered mappings whose column names hold the person's values."""
    rows = session.execute(select(import_mappings.c.signature, import_mappings.c.mapping)).all()
    gone = [
        row.signature
        for row in rows
        if matcher.matches(list(row.mapping)) or matcher.redacted_value(row.mapping) != row.mapping
    ]
    if gone:
        session.execute(delete(import_mappings).where(import_mappings.c.signature.in_(gone)))
    return len(gone)


def _forget_published(session, matcher, job_ids):
    """Delete the published outbox rows (audit records and ``import_completed`` events) about the erased
    jobs or holding the person's values (a file name): the erasure does not wait for their purge."""
    return outbox_rows.forget_published(
        session, import_outbox, job_ids, holds=lambda payload: matcher.redacted_value(payload) != payload
    )
