"""The durable queue of sync runs (the mechanism: piiri/job_queue.py): the mailing service and the
workers' timers queue a run's id through their outbox; one MailingWorker takes one run at a time."""

from piiri.job_queue import JobQueue, consume_one_at_a_time
from services.mailing.contract import JOB_QUEUE_NAME

RUNS = JobQueue("piiri.mailing", JOB_QUEUE_NAME, routing_key="mailing.sync", channel="job", id_field="run_id")
JOB_QUEUE = RUNS.queue
OUTBOX_CHANNELS = RUNS.outbox_channels
queue_run = RUNS.enqueue
consume_jobs = consume_one_at_a_time
