"""SQL of invoice runs (B1): the run, claiming it for one worker, its progress (the next page's cursor,
counts and total, committed with the page's invoices so a restarted run resumes exactly there)."""

from sqlalchemy import func, insert, or_, select, text, update

from services.billing.models import invoice_runs


def insert_run(session, values):
    return dict(
        session.execute(insert(invoice_runs).values(**values).returning(*invoice_runs.c)).mappings().one()
    )


def get(session, run_id):
    row = session.execute(select(invoice_runs).where(invoice_runs.c.id == run_id)).mappings().first()
    return dict(row) if row else None


def list_runs(session, limit=50):
    rows = session.execute(select(invoice_runs).order_by(invoice_runs.c.created_at.desc()).limit(limit))
    return [dict(row) for row in rows.mappings()]


def claim(session, run_id, stale_seconds):
    """Take a queued run, or a running one whose worker stopped beating; None if done, failed or live."""
    stale = func.now() - text(f"interval '{int(stale_seconds)} seconds'")
    row = (
        session.execute(
            update(invoice_runs)
            .where(
                invoice_runs.c.id == run_id,
                or_(
                    invoice_runs.c.status == "queued",
                    (invoice_runs.c.status == "running") & (invoice_runs.c.heartbeat_at < stale),
                ),
            )
            .values(
                status="running",
                attempts=invoice_runs.c.attempts + 1,
                heartbeat_at=func.now(),
                started_at=func.coalesce(invoice_runs.c.started_at, func.now()),
            )
            .returning(*invoice_runs.c)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def page_done(session, run_id, cursor, created, total, excluded):
    """Record a page: its invoices are in the same transaction."""
    run = session.execute(
        select(invoice_runs.c.excluded).where(invoice_runs.c.id == run_id).with_for_update()
    ).scalar_one()
    counts = dict(run or {})
    for reason, count in excluded.items():
        counts[reason] = counts.get(reason, 0) + count
    session.execute(
        update(invoice_runs)
        .where(invoice_runs.c.id == run_id)
        .values(
            cursor=cursor,
            pages_done=invoice_runs.c.pages_done + 1,
            invoices_created=invoice_runs.c.invoices_created + created,
            total=invoice_runs.c.total + total,
            excluded=counts,
            heartbeat_at=func.now(),
        )
    )


def finish(session, run_id, status, error=None):
    session.execute(
        update(invoice_runs)
        .where(invoice_runs.c.id == run_id)
        .values(status=status, error=error, finished_at=func.now(), heartbeat_at=func.now())
    )


def stale_runs(session, stale_seconds):
    stale = func.now() - text(f"interval '{int(stale_seconds)} seconds'")
    rows = session.execute(
        select(invoice_runs.c.id).where(
            invoice_runs.c.status == "running", invoice_runs.c.heartbeat_at < stale
        )
    )
    return [row.id for row in rows]
