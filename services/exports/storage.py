"""All SQL of the exports service: jobs (create, claim, progress, finish, list, delete, expire, erase),
file chunks and the contacts each file holds."""

import uuid

from sqlalchemy import and_, bindparam, case, delete, func, insert, or_, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY, UUID

from services.exports.models import export_file_chunks, export_job_contacts, export_jobs

JOB_COLUMNS = [column for column in export_jobs.c if column.name != "actor"]
ERASED_WHILE_RUNNING = "Stopped: a person was erased while the export ran. Make the export again."


DEFAULT_KEEP_HOURS = 168  # EXPORT_KEEP_HOURS: a finished file is deleted a week after it was made


def keep_hours(config):
    """EXPORT_KEEP_HOURS of the configuration, or the default (the service shows it, the workers apply it)."""
    return int(config.get("EXPORT_KEEP_HOURS", DEFAULT_KEEP_HOURS))


def parse_id(job_id):
    try:
        return uuid.UUID(str(job_id))
    except (ValueError, TypeError):
        return None


def insert_job(session, values):
    row = session.execute(insert(export_jobs).values(**values).returning(*JOB_COLUMNS)).one()
    return dict(row._mapping)


def get_job(session, job_id, with_actor=False, for_update=False):
    columns = [*JOB_COLUMNS, export_jobs.c.actor] if with_actor else JOB_COLUMNS
    query = select(*columns).where(export_jobs.c.id == job_id)
    row = session.execute(query.with_for_update() if for_update else query).first()
    return dict(row._mapping) if row else None


def list_jobs(session, actor_id=None, limit=50):
    query = select(*JOB_COLUMNS).order_by(export_jobs.c.created_at.desc(), export_jobs.c.id).limit(limit)
    if actor_id is not None:
        query = query.where(export_jobs.c.actor_id == actor_id)
    return [dict(row._mapping) for row in session.execute(query)]


def own_job_counts(session, actor_id):
    """{"in_progress": the actor's queued or running jobs, "ready": their done jobs whose file is kept}
    (index export_jobs_actor)."""
    status = export_jobs.c.status
    kept = and_(status == "done", export_jobs.c.expired_at.is_(None), export_jobs.c.erased_at.is_(None))
    in_progress, ready = session.execute(
        select(func.count().filter(status.in_(("queued", "running"))), func.count().filter(kept)).where(
            export_jobs.c.actor_id == actor_id
        )
    ).one()
    return {"in_progress": in_progress, "ready": ready}


def claim(session, job_id, stale_seconds):
    """Mark the job running for this worker if it is queued, or running with a heartbeat older than
    ``stale_seconds`` (its worker died); its old chunks are removed. The job (with actor), or None."""
    stale = func.now() - text(f"interval '{int(stale_seconds)} seconds'")
    row = session.execute(
        update(export_jobs)
        .where(
            export_jobs.c.id == job_id,
            or_(
                export_jobs.c.status == "queued",
                and_(export_jobs.c.status == "running", export_jobs.c.heartbeat_at < stale),
            ),
        )
        .values(
            status="running",
            heartbeat_at=func.now(),
            started_at=func.now(),
            attempts=export_jobs.c.attempts + 1,
            rows_done=0,
            chunk_count=0,
            size=None,
            error=None,
        )
        .returning(*JOB_COLUMNS, export_jobs.c.actor)
    ).first()
    if row is None:
        return None
    session.execute(delete(export_file_chunks).where(export_file_chunks.c.job_id == job_id))
    return dict(row._mapping)


def progress(session, job_id, rows_done, rows_total=None):
    values = {"rows_done": rows_done, "heartbeat_at": func.now()}
    if rows_total is not None:
        values["rows_total"] = rows_total
    session.execute(update(export_jobs).where(export_jobs.c.id == job_id).values(**values))


def write_chunk(session, job_id, seq, data):
    session.execute(insert(export_file_chunks).values(job_id=job_id, seq=seq, data=data))
    session.execute(update(export_jobs).where(export_jobs.c.id == job_id).values(heartbeat_at=func.now()))


def finish(session, job_id, values):
    session.execute(
        update(export_jobs)
        .where(export_jobs.c.id == job_id)
        .values(**values, status="done", finished_at=func.now(), heartbeat_at=func.now())
    )


def record_contacts(session, job_id, contact_ids):
    """The contacts the finished file holds (one statement, however many)."""
    ids = sorted({str(contact_id) for contact_id in contact_ids})
    if ids:
        session.execute(
            text(
                "INSERT INTO export_job_contacts (job_id, contact_id) SELECT :job, unnest(:ids)"
                " ON CONFLICT DO NOTHING"
            ).bindparams(bindparam("ids", type_=ARRAY(UUID(as_uuid=False)))),
            {"job": job_id, "ids": ids},
        )


def jobs_with_contact(session, contact_id, related_ids=()):
    """The jobs whose file held the contact (or a couple it was in: ``related_ids``), or whose selection
    names its id."""
    subjects = [contact_id, *related_ids]
    held = select(export_job_contacts.c.job_id).where(export_job_contacts.c.contact_id.in_(subjects))
    named = export_jobs.c.selection["ids"].contains([str(contact_id)])
    query = (
        select(*JOB_COLUMNS)
        .where(or_(export_jobs.c.id.in_(held), named))
        .order_by(export_jobs.c.created_at, export_jobs.c.id)
    )
    return [dict(row._mapping) for row in session.execute(query)]


def erase_contact(session, contact_id, related_ids=()):
    """Delete the files holding the contact (and stop the jobs not finished yet, whose file may come to
    hold it), keep the jobs marked ``erased_at`` with their selection cut to its kind; returns counts."""
    running = list(
        session.execute(
            select(export_jobs.c.id)
            .where(export_jobs.c.status.in_(("queued", "running")))
            .order_by(export_jobs.c.id)
            .with_for_update()
        ).scalars()
    )
    held = [
        job["id"] for job in jobs_with_contact(session, contact_id, related_ids)
    ]  # after the lock: a file
    ids = sorted(set(held) | set(running))  # stored meanwhile is seen, one stored later finds it failed
    if not ids:
        return {"exports": 0, "file_chunks": 0}
    chunks = session.execute(delete(export_file_chunks).where(export_file_chunks.c.job_id.in_(ids))).rowcount
    session.execute(delete(export_job_contacts).where(export_job_contacts.c.job_id.in_(ids)))
    session.execute(
        update(export_jobs)
        .where(export_jobs.c.id.in_(ids))
        .values(
            status=case(
                (export_jobs.c.status == "done", "expired"),
                (export_jobs.c.status.in_(("queued", "running")), "failed"),
                else_=export_jobs.c.status,
            ),
            error=case(
                (export_jobs.c.status.in_(("queued", "running")), ERASED_WHILE_RUNNING),
                else_=export_jobs.c.error,
            ),
            expired_at=case((export_jobs.c.status == "done", func.now()), else_=export_jobs.c.expired_at),
            selection=func.jsonb_build_object("kind", export_jobs.c.selection["kind"], "erased", True),
            chunk_count=0,
            erased_at=func.now(),
        )
    )
    return {"exports": len(ids), "file_chunks": chunks}


def fail(session, job_id, error):
    session.execute(delete(export_file_chunks).where(export_file_chunks.c.job_id == job_id))
    session.execute(
        update(export_jobs)
        .where(export_jobs.c.id == job_id)
        .values(status="failed", error=error[:2000], finished_at=func.now(), chunk_count=0)
    )


def read_chunk(session, job_id, seq):
    query = select(export_file_chunks.c.data).where(
        export_file_chunks.c.job_id == job_id, export_file_chunks.c.seq == seq
    )
    return session.execute(query).scalar_one_or_none()


def delete_job(session, job_id):
    session.execute(delete(export_jobs).where(export_jobs.c.id == job_id))


def stale_jobs(session, stale_seconds, limit=20):
    """Ids of running jobs whose worker stopped beating (queued jobs wait in the durable queue)."""
    stale = func.now() - text(f"interval '{int(stale_seconds)} seconds'")
    query = (
        select(export_jobs.c.id)
        .where(export_jobs.c.status == "running", export_jobs.c.heartbeat_at < stale)
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def expire_files(session, keep_hours, limit=100):
    """Delete the files of up to ``limit`` jobs finished more than ``keep_hours`` ago and mark those jobs
    expired; returns their ids. Rows locked by another instance doing the same are skipped."""
    horizon = func.now() - text(f"interval '{int(keep_hours)} hours'")
    ids = list(
        session.execute(
            select(export_jobs.c.id)
            .where(export_jobs.c.status == "done", export_jobs.c.finished_at < horizon)
            .order_by(export_jobs.c.finished_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).scalars()
    )
    if ids:
        session.execute(delete(export_file_chunks).where(export_file_chunks.c.job_id.in_(ids)))
        session.execute(delete(export_job_contacts).where(export_job_contacts.c.job_id.in_(ids)))
        session.execute(
            update(export_jobs)
            .where(export_jobs.c.id.in_(ids))
            .values(status="expired", expired_at=func.now(), chunk_count=0)
        )
    return ids


def ping(session):
    return session.execute(select(1)).scalar_one() == 1
