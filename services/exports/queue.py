"""The durable queue of export jobs: the exports service (and the workers' recovery timer) publish a job's
id; one ExportWorker takes one job at a time and acknowledges it when the job has finished."""

from kombu import Exchange, Queue
from nameko.messaging import Consumer, Publisher, QueueConsumer

from services.exports.contract import JOB_QUEUE_NAME

EXPORTS_EXCHANGE = Exchange("piiri.exports", type="direct", durable=True)
JOB_ROUTING_KEY = "export.job"
JOB_QUEUE = Queue(
    JOB_QUEUE_NAME,
    exchange=EXPORTS_EXCHANGE,
    routing_key=JOB_ROUTING_KEY,
    durable=True,
    queue_arguments={"x-queue-type": "classic"},
)


def job_publisher():
    """A Publisher dependency for job messages (persistent, confirmed)."""
    return Publisher(exchange=EXPORTS_EXCHANGE, declare=[JOB_QUEUE], delivery_mode=2)


def job_message(job_id):
    return {"job_id": str(job_id)}


class OneAtATimeQueueConsumer(QueueConsumer):
    """A queue consumer that holds one unacknowledged message at a time: a worker never sits on jobs it
    cannot start while another worker is idle."""

    @property
    def prefetch_count(self):
        return 1


class JobConsumer(Consumer):
    queue_consumer = OneAtATimeQueueConsumer()


consume_jobs = JobConsumer.decorator
