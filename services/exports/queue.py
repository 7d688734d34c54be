"""The durable queue of export jobs: the exports service (and the workers' recovery timer) queue a job's
id through their outbox, in the job's own transaction (issue 11 item 6); one ExportWorker takes one job
at a time and acknowledges it when the job has finished."""

from kombu import Exchange, Queue
from nameko.amqp.publish import Publisher
from nameko.messaging import Consumer, QueueConsumer

from piiri.messaging import SHORT_RETRY
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


JOB_CHANNEL = "job"


def job_publisher(amqp_uri):
    """The outbox relay's publisher of job messages (persistent, confirmed, routed to the job queue)."""
    return Publisher(
        amqp_uri,
        use_confirms=True,
        mandatory=True,
        serializer="json",
        exchange=EXPORTS_EXCHANGE,
        declare=[EXPORTS_EXCHANGE, JOB_QUEUE],
        retry=True,
        retry_policy=SHORT_RETRY,
    )


OUTBOX_CHANNELS = {JOB_CHANNEL: job_publisher}


def job_message(job_id):
    return {"job_id": str(job_id)}


def queue_job(outbox, session, job_id):
    """Queue the job in ``session``'s transaction (call ``outbox.flush()`` after the commit)."""
    outbox.message(session, JOB_CHANNEL, JOB_ROUTING_KEY, job_message(job_id))


class OneAtATimeQueueConsumer(QueueConsumer):
    """A queue consumer that holds one unacknowledged message at a time: a worker never sits on jobs it
    cannot start while another worker is idle."""

    @property
    def prefetch_count(self):
        return 1


class JobConsumer(Consumer):
    queue_consumer = OneAtATimeQueueConsumer()


consume_jobs = JobConsumer.decorator
