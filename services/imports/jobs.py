"""All SQL of the imports service: jobs and their restart cursor, the uploaded file in chunks, row errors,
the validated rows in batches, the match keys a running validation has seen, remembered mappings, and
the claim that gives one worker a job (heartbeat)."""

from sqlalchemy import and_, case, delete, func, insert, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.imports.models import (
    import_files,
    import_jobs,
    import_mappings,
    import_row_batches,
    import_row_errors,
    import_seen_keys,
)

ACTIVE = ("validating", "committing")
ENDED = ("done", "failed", "cancelled", "undone")
NOT_STARTED = ("uploading", "uploaded", "validated")  # an upload nobody went on with
JOB_COLUMNS = [c for c in import_jobs.c]


def _job(row):
    return dict(row._mapping) if row else None


def create_job(session, filename, actor, source="file"):
    row = session.execute(
        insert(import_jobs)
        .values(filename=filename, actor=actor, actor_username=actor["username"], source=source)
        .returning(*JOB_COLUMNS)
    ).one()
    return _job(row)


def get_job(session, job_id, for_update=False):
    query = select(*JOB_COLUMNS).where(import_jobs.c.id == job_id)
    if for_update:
        query = query.with_for_update()
    return _job(session.execute(query).first())


def list_jobs(session, limit=50, username=None):
    query = select(*JOB_COLUMNS).order_by(import_jobs.c.created_at.desc()).limit(limit)
    if username is not None:
        query = query.where(import_jobs.c.actor_username == username)
    return [_job(row) for row in session.execute(query)]


UNFINISHED = ("uploading", "uploaded", "validating", "validated", "committing")
WORKING = ("validating", "committing")


def unfinished_counts(session, username=None):
    """{"in_progress": imports not done, failed, cancelled, undone or expired; "working": of those, the
    ones a worker is validating or committing now}, of one user's only when ``username`` is given."""
    query = select(
        func.count(),
        func.count().filter(import_jobs.c.status.in_(WORKING)),
    ).where(import_jobs.c.status.in_(UNFINISHED))
    if username is not None:
        query = query.where(import_jobs.c.actor_username == username)
    in_progress, working = session.execute(query).one()
    return {"in_progress": in_progress, "working": working}


def update_job(session, job_id, **values):
    row = session.execute(
        update(import_jobs)
        .where(import_jobs.c.id == job_id)
        .values(**values, updated_at=func.now())
        .returning(*JOB_COLUMNS)
    ).one()
    return _job(row)


def add_file_part(session, job_id, seq, data):
    session.execute(
        pg_insert(import_files)
        .values(job_id=job_id, seq=seq, data=data)
        .on_conflict_do_update(
            index_elements=[import_files.c.job_id, import_files.c.seq], set_={"data": data}
        )
    )
    session.execute(
        update(import_jobs)
        .where(import_jobs.c.id == job_id)
        .values(
            file_size=select(func.coalesce(func.sum(func.length(import_files.c.data)), 0))
            .where(import_files.c.job_id == job_id)
            .scalar_subquery()
        )
    )


def file_data(session, job_id):
    parts = session.execute(
        select(import_files.c.data).where(import_files.c.job_id == job_id).order_by(import_files.c.seq)
    ).scalars()
    return b"".join(parts)


def file_part_numbers(session, job_id):
    return list(
        session.execute(
            select(import_files.c.seq).where(import_files.c.job_id == job_id).order_by(import_files.c.seq)
        ).scalars()
    )


def remembered_mapping(session, signature):
    return session.execute(
        select(import_mappings.c.mapping).where(import_mappings.c.signature == signature)
    ).scalar()


def remember_mapping(session, signature, mapping, username):
    session.execute(
        pg_insert(import_mappings)
        .values(signature=signature, mapping=mapping, updated_by=username)
        .on_conflict_do_update(
            index_elements=[import_mappings.c.signature],
            set_={"mapping": mapping, "updated_by": username, "updated_at": func.now()},
        )
    )


def clear_validation(session, job_id):
    """Forget what a validation found: row errors and the stored batches of valid rows."""
    session.execute(delete(import_row_errors).where(import_row_errors.c.job_id == job_id))
    clear_batches(session, job_id)


def store_batch(session, job_id, chunk_no, next_row, row_count, data, after_chunk=None):
    """The valid rows of chunk ``chunk_no`` as JSON bytes (pipeline.dump_batch); a validation run again
    after a worker restart writes the same chunk again. ``after_chunk``: the chunk it must commit after
    (pipeline.ChunkOrder; None: the one before it)."""
    values = {"next_row": next_row, "row_count": row_count, "rows": data, "after_chunk": after_chunk}
    session.execute(
        pg_insert(import_row_batches)
        .values(job_id=job_id, chunk_no=chunk_no, **values)
        .on_conflict_do_update(
            index_elements=[import_row_batches.c.job_id, import_row_batches.c.chunk_no], set_=values
        )
    )


def batch(session, job_id, chunk_no):
    """(rows as JSON text, row count, next_row, after_chunk) of a stored chunk, or None when there is no
    such chunk. The text is sent on as it is (contacts.upsert_batch decodes it)."""
    columns = import_row_batches.c
    row = session.execute(
        select(columns.rows, columns.row_count, columns.next_row, columns.after_chunk).where(
            columns.job_id == job_id, columns.chunk_no == chunk_no
        )
    ).first()
    return (bytes(row.rows).decode(), row.row_count, row.next_row, row.after_chunk) if row else None


def last_batch_number(session, job_id):
    """The highest stored chunk number of the job (0: no valid rows)."""
    return session.execute(
        select(func.coalesce(func.max(import_row_batches.c.chunk_no), 0)).where(
            import_row_batches.c.job_id == job_id
        )
    ).scalar_one()


def clear_batches(session, job_id, from_chunk=None):
    """The stored batches (from ``from_chunk`` on; all, and the seen match keys, when None)."""
    condition = [import_row_batches.c.job_id == job_id]
    if from_chunk is not None:
        condition.append(import_row_batches.c.chunk_no >= from_chunk)
    else:
        forget_keys(session, job_id)
    session.execute(delete(import_row_batches).where(*condition))


def seen_keys(session, job_id, digests):
    """{digest: (first row, last chunk)} of those of ``digests`` the job's validation has seen: one
    index probe per digest (a join with the array: ``digest = ANY(array)`` compared each stored row with
    the whole array, 14 µs a key)."""
    if not digests:
        return {}
    rows = session.execute(
        text(
            "SELECT k.digest, k.first_row, k.last_chunk FROM unnest(CAST(:digests AS bigint[])) AS g(digest)"
            " JOIN import_seen_keys k ON k.job_id = :job_id AND k.digest = g.digest"
        ),
        {"job_id": job_id, "digests": list(digests)},
    )
    return {row.digest: (row.first_row, row.last_chunk) for row in rows}


def remember_keys(session, job_id, entries, known=()):
    """``entries``: {digest: (first row, last chunk)} of a batch; those in ``known`` (seen_keys found
    them) keep their first row and take the new last chunk, the others are added. Two statements at
    most, with the batch's values as arrays (one validation holds a job, under a salt of its own, so
    no other writes these digests meanwhile)."""
    added = [digest for digest in entries if digest not in known]
    if added:
        session.execute(
            text(
                "INSERT INTO import_seen_keys (job_id, digest, first_row, last_chunk)"
                " SELECT :job_id, d, f, c FROM unnest(CAST(:digests AS bigint[]), CAST(:firsts AS int[]),"
                " CAST(:lasts AS int[])) AS e(d, f, c)"
            ),
            {
                "job_id": job_id,
                "digests": added,
                "firsts": [entries[d][0] for d in added],
                "lasts": [entries[d][1] for d in added],
            },
        )
    again = [digest for digest in entries if digest in known]
    if again:
        session.execute(
            text(
                "UPDATE import_seen_keys k SET last_chunk = e.c"
                " FROM unnest(CAST(:digests AS bigint[]), CAST(:lasts AS int[])) AS e(d, c)"
                " WHERE k.job_id = :job_id AND k.digest = e.d"
            ),
            {"job_id": job_id, "digests": again, "lasts": [entries[d][1] for d in again]},
        )


def forget_keys(session, job_id):
    session.execute(delete(import_seen_keys).where(import_seen_keys.c.job_id == job_id))


def add_row_errors(session, job_id, rows):
    """rows: [(row_number, {header: message}, cells)]; a row validated again replaces its errors."""
    if not rows:
        return
    statement = pg_insert(import_row_errors)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[import_row_errors.c.job_id, import_row_errors.c.row_number],
            set_={"errors": statement.excluded.errors, "cells": statement.excluded.cells},
        ),
        [{"job_id": job_id, "row_number": n, "errors": errors, "cells": cells} for n, errors, cells in rows],
    )


def row_errors(session, job_id, limit=None, offset=0):
    query = (
        select(import_row_errors.c.row_number, import_row_errors.c.errors, import_row_errors.c.cells)
        .where(import_row_errors.c.job_id == job_id)
        .order_by(import_row_errors.c.row_number)
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    return [dict(row._mapping) for row in session.execute(query)]


def invalid_row_numbers(session, job_id):
    return set(
        session.execute(
            select(import_row_errors.c.row_number).where(import_row_errors.c.job_id == job_id)
        ).scalars()
    )


def claim(session, job_id, worker_id, stale_seconds):
    """Give the job to ``worker_id`` if it is in a running phase and nobody else holds a fresh heartbeat;
    returns the job or None."""
    row = session.execute(
        update(import_jobs)
        .where(
            import_jobs.c.id == job_id,
            import_jobs.c.status.in_(ACTIVE),
            or_(
                import_jobs.c.worker_id.is_(None),
                import_jobs.c.worker_id == worker_id,
                import_jobs.c.heartbeat_at < func.now() - text(f"interval '{int(stale_seconds)} seconds'"),
            ),
        )
        .values(worker_id=worker_id, heartbeat_at=func.now())
        .returning(*JOB_COLUMNS)
    ).first()
    return _job(row)


def heartbeat(session, job_id, worker_id):
    """Refresh the heartbeat; False if the job was taken over (or cancelled) meanwhile."""
    row = session.execute(
        update(import_jobs)
        .where(
            import_jobs.c.id == job_id, import_jobs.c.worker_id == worker_id, import_jobs.c.status.in_(ACTIVE)
        )
        .values(heartbeat_at=func.now())
        .returning(import_jobs.c.id)
    ).first()
    return row is not None


def fail_held(session, job_id, worker_id, error, finished_at):
    """Mark the job failed if ``worker_id`` still holds it (a running job with this worker's claim), and
    clear its batches; returns the job as it was before, or None when the worker no longer holds it (it
    was taken over, cancelled or finished): a worker that lost its job must not end it."""
    current = session.execute(
        select(*JOB_COLUMNS)
        .where(
            import_jobs.c.id == job_id, import_jobs.c.worker_id == worker_id, import_jobs.c.status.in_(ACTIVE)
        )
        .with_for_update()
    ).first()
    if current is None:
        return None
    clear_batches(session, job_id)  # a failed job is not started again
    update_job(
        session,
        job_id,
        status="failed",
        phase=None,
        worker_id=None,
        error=error,
        finished_at=finished_at,
    )
    return _job(current)


def stale_jobs(session, stale_seconds, limit=5):
    """Running jobs whose worker has not beaten for ``stale_seconds`` (or that no worker took yet)."""
    horizon = func.now() - text(f"interval '{int(stale_seconds)} seconds'")
    return list(
        session.execute(
            select(import_jobs.c.id)
            .where(
                import_jobs.c.status.in_(ACTIVE),
                or_(
                    import_jobs.c.heartbeat_at < horizon,
                    and_(import_jobs.c.heartbeat_at.is_(None), import_jobs.c.updated_at < horizon),
                ),
            )
            .order_by(import_jobs.c.updated_at)
            .limit(limit)
        ).scalars()
    )


def expire_data(session, keep_hours, limit=100):
    """Delete the file, batches, rows with errors and kept first rows of up to ``limit`` jobs that ended
    (or, not started, were last touched) more than ``keep_hours`` ago; the job stays with its counts,
    ``expired_at`` set, a job not started marked expired. Returns their ids; rows another instance is
    expiring are skipped. Running jobs never expire."""
    horizon = func.now() - text(f"interval '{int(keep_hours)} hours'")
    ids = list(
        session.execute(
            select(import_jobs.c.id)
            .where(
                import_jobs.c.expired_at.is_(None),
                or_(
                    and_(
                        import_jobs.c.status.in_(ENDED),
                        func.coalesce(import_jobs.c.finished_at, import_jobs.c.updated_at) < horizon,
                    ),
                    and_(import_jobs.c.status.in_(NOT_STARTED), import_jobs.c.updated_at < horizon),
                ),
            )
            .order_by(import_jobs.c.updated_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).scalars()
    )
    if not ids:
        return []
    for table in (import_files, import_row_batches, import_row_errors, import_seen_keys):
        session.execute(delete(table).where(table.c.job_id.in_(ids)))
    not_started = import_jobs.c.status.in_(NOT_STARTED)
    session.execute(
        update(import_jobs)
        .where(import_jobs.c.id.in_(ids))
        .values(
            status=case((not_started, "expired"), else_=import_jobs.c.status),
            finished_at=func.coalesce(import_jobs.c.finished_at, func.now()),
            expired_at=func.now(),
            sample_rows=None,
            updated_at=func.now(),
        )
    )
    return ids


def ping(session):
    return session.execute(select(1)).scalar_one() == 1


def erase_jobs(session, job_ids):
    """Delete the file, batches, rows with errors and kept first rows of the jobs ``job_ids`` (an erased
    person is in them), mark them ``erased_at`` (and expired), and stop those still running (cancelled;
    the worker stops at its next heartbeat). Returns {imports, file_parts, row_batches, row_errors}."""
    ids = list(
        session.execute(
            select(import_jobs.c.id)
            .where(import_jobs.c.id.in_(list(job_ids)))
            .order_by(import_jobs.c.id)
            .with_for_update()
        ).scalars()
    )
    summary = {"imports": len(ids)}
    for name, table in (("file_parts", import_files), ("row_batches", import_row_batches)):
        summary[name] = session.execute(delete(table).where(table.c.job_id.in_(ids))).rowcount
    summary["row_errors"] = session.execute(
        delete(import_row_errors).where(import_row_errors.c.job_id.in_(ids))
    ).rowcount
    # salted digests whose salt only the validating worker holds: no one can tell whose they are, so
    # not counted as held data; gone with the rest all the same
    session.execute(delete(import_seen_keys).where(import_seen_keys.c.job_id.in_(ids)))
    if ids:
        running = import_jobs.c.status.in_((*ACTIVE, *NOT_STARTED))
        session.execute(
            update(import_jobs)
            .where(import_jobs.c.id.in_(ids))
            .values(
                status=case((running, "cancelled"), else_=import_jobs.c.status),
                phase=None,
                finished_at=func.coalesce(import_jobs.c.finished_at, func.now()),
                expired_at=func.coalesce(import_jobs.c.expired_at, func.now()),
                erased_at=func.coalesce(import_jobs.c.erased_at, func.now()),
                sample_rows=None,
                updated_at=func.now(),
            )
        )
    return summary


def jobs_of(session, job_ids):
    """The jobs ``job_ids`` (those that exist), oldest first, for an access report."""
    query = select(*JOB_COLUMNS).where(import_jobs.c.id.in_(list(job_ids))).order_by(import_jobs.c.created_at)
    return [_job(row) for row in session.execute(query)]


def held_about(session, job_ids):
    """What is kept of the jobs ``job_ids``: per job its file's size in parts, rows with errors, batches."""
    held = {}
    for name, table in (
        ("file_parts", import_files),
        ("row_errors", import_row_errors),
        ("row_batches", import_row_batches),
    ):
        query = (
            select(table.c.job_id, func.count())
            .where(table.c.job_id.in_(list(job_ids)))
            .group_by(table.c.job_id)
        )
        for job_id, count in session.execute(query):
            held.setdefault(job_id, {})[name] = count
    return held
