"""The durable queue of export jobs (the mechanism: piiri/job_queue.py): the exports service and the
workers' recovery timer queue a job's id through their outbox; one ExportWorker takes one job at a time."""

from piiri.job_queue import JobQueue, consume_one_at_a_time
from services.exports.contract import JOB_QUEUE_NAME

JOBS = JobQueue("piiri.exports", JOB_QUEUE_NAME, routing_key="export.job", channel="job", id_field="job_id")
JOB_QUEUE = JOBS.queue
OUTBOX_CHANNELS = JOBS.outbox_channels
queue_job = JOBS.enqueue
consume_jobs = consume_one_at_a_time
