"""The durable queue of invoice runs: the billing service (and the workers' recovery timer) queue a run's
id through their outbox in the run's own transaction; one BillingWorker takes one run at a time and
acknowledges it when the run has finished (or stopped to be resumed)."""

from kombu import Exchange, Queue
from nameko.amqp.publish import Publisher
from nameko.messaging import Consumer, QueueConsumer

from piiri.messaging import SHORT_RETRY
from services.billing.contract import RUN_QUEUE_NAME

BILLING_EXCHANGE = Exchange("piiri.billing", type="direct", durable=True)
RUN_ROUTING_KEY = "billing.run"
RUN_QUEUE = Queue(
    RUN_QUEUE_NAME,
    exchange=BILLING_EXCHANGE,
    routing_key=RUN_ROUTING_KEY,
    durable=True,
    queue_arguments={"x-queue-type": "classic"},
)
RUN_CHANNEL = "run"


def run_publisher(amqp_uri):
    return Publisher(
        amqp_uri,
        use_confirms=True,
        mandatory=True,
        serializer="json",
        exchange=BILLING_EXCHANGE,
        declare=[BILLING_EXCHANGE, RUN_QUEUE],
        retry=True,
        retry_policy=SHORT_RETRY,
    )


OUTBOX_CHANNELS = {RUN_CHANNEL: run_publisher}


def queue_run(outbox, session, run_id):
    """Queue the run in ``session``'s transaction (call ``outbox.flush()`` after the commit)."""
    outbox.message(session, RUN_CHANNEL, RUN_ROUTING_KEY, {"run_id": str(run_id)})


class OneAtATimeQueueConsumer(QueueConsumer):
    @property
    def prefetch_count(self):
        return 1


class RunConsumer(Consumer):
    queue_consumer = OneAtATimeQueueConsumer()


consume_runs = RunConsumer.decorator
