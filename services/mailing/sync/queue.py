"""The durable queue of sync runs: the mailing service (and the workers' timers) queue a run's
id through their outbox, in the run's own transaction (issue 11 item 6); one MailingWorker takes one run
at a time and acknowledges it when the run has finished."""

from kombu import Exchange, Queue
from nameko.amqp.publish import Publisher
from nameko.messaging import Consumer, QueueConsumer

from piiri.messaging import SHORT_RETRY
from services.mailing.contract import JOB_QUEUE_NAME

MAILING_EXCHANGE = Exchange("piiri.mailing", type="direct", durable=True)
JOB_ROUTING_KEY = "mailing.sync"
JOB_QUEUE = Queue(
    JOB_QUEUE_NAME,
    exchange=MAILING_EXCHANGE,
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
        exchange=MAILING_EXCHANGE,
        declare=[MAILING_EXCHANGE, JOB_QUEUE],
        retry=True,
        retry_policy=SHORT_RETRY,
    )


OUTBOX_CHANNELS = {JOB_CHANNEL: job_publisher}


def queue_run(outbox, session, run_id):
    """Queue the sync run in ``session``'s transaction (call ``outbox.flush()`` after the commit)."""
    outbox.message(session, JOB_CHANNEL, JOB_ROUTING_KEY, {"run_id": str(run_id)})


class OneAtATimeQueueConsumer(QueueConsumer):
    """A queue consumer that holds one unacknowledged message at a time: a worker never sits on jobs it
    cannot start while another worker is idle."""

    @property
    def prefetch_count(self):
        return 1


class JobConsumer(Consumer):
    queue_consumer = OneAtATimeQueueConsumer()


consume_jobs = JobConsumer.decorator
