"""SQL of stored invoice PDFs (B2): an invoice run's pending PDFs (queued with each page of its
invoices), claiming a batch of them for one worker (FOR UPDATE SKIP LOCKED: two workers never take the
same invoice), storing the rendered PDFs, a run's progress, and emptying them again on erasure."""

from sqlalchemy import bindparam, func, select, text, update

from services.billing.invoices.storage import copy_rows
from services.billing.models import invoice_lines, invoice_pdfs, invoices

PENDING = invoice_pdfs.c.pdf.is_(None) & invoice_pdfs.c.error.is_(None)


def queue(session, run_id, invoice_ids):
    """Pending PDFs for ``invoice_ids`` of the run (in the transaction that issues them; one COPY)."""
    copy_rows(session, invoice_pdfs, [{"invoice_id": key, "run_id": run_id} for key in invoice_ids])


def claim(session, run_id, limit):
    """Up to ``limit`` pending PDFs of the run, locked until the transaction ends; rows another worker
    holds are skipped, and a row made meanwhile is re-checked (``pdf IS NULL``) and skipped too.
    Returns the invoices (whole rows, oldest number first)."""
    keys = [
        row.invoice_id
        for row in session.execute(
            select(invoice_pdfs.c.invoice_id)
            .where(invoice_pdfs.c.run_id == run_id, PENDING)
            .order_by(invoice_pdfs.c.invoice_id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ]
    if not keys:
        return []
    rows = session.execute(select(invoices).where(invoices.c.id.in_(keys)).order_by(invoices.c.number))
    return [dict(row) for row in rows.mappings()]


def more_pending_than(session, run_id, count):
    """Whether the run has more than ``count`` PDFs pending (a second worker would have work)."""
    found = session.execute(
        select(func.count()).select_from(
            select(invoice_pdfs.c.invoice_id)
            .where(invoice_pdfs.c.run_id == run_id, PENDING)
            .limit(count + 1)
            .subquery()
        )
    ).scalar_one()
    return found > count


def lines_of(session, invoice_ids):
    """{invoice id: its lines in order} for a batch, one query (the PDF needs no federation split)."""
    found: dict = {key: [] for key in invoice_ids}
    rows = session.execute(
        select(invoice_lines)
        .where(invoice_lines.c.invoice_id.in_(invoice_ids))
        .order_by(invoice_lines.c.invoice_id, invoice_lines.c.position)
    )
    for row in rows.mappings():
        found[row["invoice_id"]].append(dict(row))
    return found


def credited_numbers(session, invoice_rows):
    """{credited invoice id: its number} for the credit notes among ``invoice_rows``."""
    wanted = {row["credited_invoice_id"] for row in invoice_rows if row.get("credited_invoice_id")}
    if not wanted:
        return {}
    rows = session.execute(select(invoices.c.id, invoices.c.number).where(invoices.c.id.in_(wanted)))
    return {row.id: row.number for row in rows}


def store(session, made, failed):
    """``made``: {invoice id: PDF bytes}; ``failed``: {invoice id: error text} (not tried again)."""
    statement = (
        update(invoice_pdfs)
        .where(invoice_pdfs.c.invoice_id == bindparam("key"))
        .values(pdf=bindparam("data"), error=bindparam("problem"), rendered_at=func.now())
    )
    params = [{"key": key, "data": data, "problem": None} for key, data in made.items()]
    params += [{"key": key, "data": None, "problem": problem[:500]} for key, problem in failed.items()]
    if params:
        session.execute(statement.execution_options(synchronize_session=False), params)


def stored(session, invoice_id):
    """The invoice's stored PDF, or None (not a run's invoice, not made yet, or emptied by erasure)."""
    return session.execute(
        select(invoice_pdfs.c.pdf).where(invoice_pdfs.c.invoice_id == invoice_id)
    ).scalar_one_or_none()


def progress(session, run_id):
    """{"total", "done", "failed"}: the run's PDFs (done: stored; failed: rendering raised)."""
    row = session.execute(
        select(
            func.count(),
            func.count().filter(invoice_pdfs.c.pdf.isnot(None)),
            func.count(invoice_pdfs.c.error),
        ).where(invoice_pdfs.c.run_id == run_id)
    ).one()
    return {"total": row[0], "done": row[1], "failed": row[2]}


def of_invoices(session, invoice_ids):
    """{invoice id: {"rendered_at", "bytes"}} of the stored PDFs among ``invoice_ids`` (access report)."""
    if not invoice_ids:
        return {}
    rows = session.execute(
        select(invoice_pdfs.c.invoice_id, invoice_pdfs.c.rendered_at, func.length(invoice_pdfs.c.pdf)).where(
            invoice_pdfs.c.invoice_id.in_(invoice_ids), invoice_pdfs.c.pdf.isnot(None)
        )
    )
    return {row[0]: {"rendered_at": row[1], "bytes": row[2]} for row in rows}


def empty(session, invoice_ids):
    """Erasure: the stored PDFs of these invoices go and are pending again (made anew from the
    pseudonymised invoice); returns (the runs to queue, how many PDFs)."""
    if not invoice_ids:
        return [], 0
    rows = session.execute(
        update(invoice_pdfs)
        .where(invoice_pdfs.c.invoice_id.in_(invoice_ids))
        .values(pdf=None, error=None, rendered_at=None, queued_at=func.now())
        .returning(invoice_pdfs.c.run_id)
    )
    found = rows.all()
    return sorted({row.run_id for row in found if row.run_id}, key=str), len(found)


def stale_runs(session, stale_seconds):
    """Runs with PDFs pending longer than ``stale_seconds`` (their message lost, or a worker died)."""
    stale = func.now() - text(f"interval '{int(stale_seconds)} seconds'")
    rows = session.execute(
        select(invoice_pdfs.c.run_id).where(PENDING, invoice_pdfs.c.queued_at < stale).distinct()
    )
    return [row.run_id for row in rows if row.run_id]
