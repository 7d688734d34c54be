"""The durable queues of invoice runs and reminder runs (the mechanism: piiri/job_queue.py): the billing
service and the workers' recovery timer queue a run's id through their outbox; one BillingWorker takes one
run of each kind at a time and acknowledges it when the run has finished (or stopped, to be resumed)."""

from piiri.job_queue import JobQueue, consume_one_at_a_time
from services.billing.contract import PDF_QUEUE_NAME, REMINDER_RUN_QUEUE_NAME, RUN_QUEUE_NAME

RUNS = JobQueue("piiri.billing", RUN_QUEUE_NAME, routing_key="billing.run", channel="run", id_field="run_id")
RUN_QUEUE = RUNS.queue
queue_run = RUNS.enqueue
# B4: reminder runs, a queue of their own on the same exchange (a worker takes one of each at a time).
REMINDER_RUNS = JobQueue(
    "piiri.billing",
    REMINDER_RUN_QUEUE_NAME,
    routing_key="billing.reminder_run",
    channel="reminder_run",
    id_field="run_id",
)
REMINDER_RUN_QUEUE = REMINDER_RUNS.queue
queue_reminder_run = REMINDER_RUNS.enqueue
# B2: the PDFs of an invoice run, queued with each page of its invoices (and again by the recovery timer
# or erasure); every worker consumes it, one message at a time, and claims batches of pending PDFs, so
# two workers share one run's PDFs (invoice_pdfs/making.py).
RUN_PDFS = JobQueue(
    "piiri.billing", PDF_QUEUE_NAME, routing_key="billing.run_pdfs", channel="run_pdfs", id_field="run_id"
)
RUN_PDF_QUEUE = RUN_PDFS.queue
queue_run_pdfs = RUN_PDFS.enqueue
OUTBOX_CHANNELS = {**RUNS.outbox_channels, **REMINDER_RUNS.outbox_channels, **RUN_PDFS.outbox_channels}
consume_runs = consume_one_at_a_time
