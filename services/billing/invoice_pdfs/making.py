"""Making an invoice run's PDFs (B2) in batches: a worker claims a batch of the run's pending PDFs
(storage.claim: FOR UPDATE SKIP LOCKED), renders them and stores them in the same transaction, and takes
the next batch until none is pending. Two workers on one run take different batches; a worker that dies
mid-batch rolls its batch back, so its PDFs are pending again and made once by whoever comes next. An
invoice whose PDF cannot be made keeps the error and is served by rendering on demand (pdf_of)."""

import logging

from services.billing.documents import pdf
from services.billing.invoice_pdfs import storage

log = logging.getLogger(__name__)
BATCH = 50  # about 0.3 s of rendering: the lock is short and a crash loses little


def pdf_of(session, settings, invoice):
    """The invoice's PDF, the one way it is served (its page's download, an invoice mail's attachment):
    the PDF its run stored, else made now (its lines and the credited invoice's number read only then)."""
    data = storage.stored(session, invoice["id"])
    if data is None:
        lines = storage.lines_of(session, [invoice["id"]])[invoice["id"]]
        credited = storage.credited_numbers(session, [invoice]).get(invoice.get("credited_invoice_id"))
        data = pdf.render(invoice, lines, settings, credited)
    return data


def render_batch(rows, lines, credited, settings, pause=None):
    """({invoice id: PDF}, {invoice id: error}) of a claimed batch. ``pause()`` after each PDF: the
    worker's ``eventlet.sleep(0)``, so that a run the same worker is issuing goes on between PDFs (a
    batch is pure CPU and would hold the process's other green threads for its whole length)."""
    made, failed = {}, {}
    for invoice in rows:
        if pause:
            pause()
        try:
            made[invoice["id"]] = pdf.render(
                invoice, lines[invoice["id"]], settings, credited.get(invoice.get("credited_invoice_id"))
            )
        except Exception as exc:  # one bad invoice must not stop the run's other PDFs
            log.exception("billing: the PDF of invoice %s could not be made", invoice["number"])
            failed[invoice["id"]] = f"{type(exc).__name__}: {exc}"
    return made, failed


def make_run(db, settings, run_id, batch=None, pause=None):
    """Make the run's pending PDFs, ``batch`` (default BATCH) at a time, until none is pending; returns
    how many this call stored. ``pause``: see render_batch."""
    count = 0
    while True:
        with db.transaction() as session:
            rows = storage.claim(session, run_id, batch or BATCH)
            if not rows:
                return count
            keys = [row["id"] for row in rows]
            made, failed = render_batch(
                rows,
                storage.lines_of(session, keys),
                storage.credited_numbers(session, rows),
                settings,
                pause=pause,
            )
            storage.store(session, made, failed)
        count += len(made)
