"""The durable queue of invoice runs (the mechanism: piiri/job_queue.py): the billing service and the
workers' recovery timer queue a run's id through their outbox; one BillingWorker takes one run at a time
and acknowledges it when the run has finished (or stopped, to be resumed)."""

from piiri.job_queue import JobQueue, consume_one_at_a_time
from services.billing.contract import RUN_QUEUE_NAME

RUNS = JobQueue("piiri.billing", RUN_QUEUE_NAME, routing_key="billing.run", channel="run", id_field="run_id")
RUN_QUEUE = RUNS.queue
OUTBOX_CHANNELS = RUNS.outbox_channels
queue_run = RUNS.enqueue
consume_runs = consume_one_at_a_time
