"""Durable job queues of the background workers (exports, mailing syncs, invoice runs): one mechanism.

A service queues a job's id through its outbox, in the job's own transaction (issue 11 item 6), so a job
is queued exactly when it is stored; the outbox relay publishes it persistent and confirmed to a direct
exchange that routes it to one durable queue. A worker consumes that queue one message at a time
(``consume_one_at_a_time``) and acknowledges the message when the job has finished, so a worker never
sits on jobs it cannot start while another is idle, and a job whose worker died is delivered again.

Each service declares its queue once (``services/<service>/.../queue.py``)::

    RUNS = JobQueue("piiri.billing", RUN_QUEUE_NAME, "billing.run", channel="run", id_field="run_id")
"""

from dataclasses import dataclass, field
from typing import Any

from kombu import Exchange, Queue
from nameko.amqp.publish import Publisher
from nameko.messaging import Consumer, QueueConsumer

from piiri.messaging import SHORT_RETRY


@dataclass(frozen=True)
class JobQueue:
    """One worker kind's job queue: its exchange and queue, the outbox channel that publishes to it, and
    the field of the message that carries the job's id."""

    exchange_name: str
    queue_name: str
    routing_key: str
    channel: str  # the outbox channel's name (a row of the service's outbox names it)
    id_field: str  # {"job_id": "..."}, {"run_id": "..."}
    exchange: Exchange = field(init=False)
    queue: Queue = field(init=False)

    def __post_init__(self) -> None:
        exchange = Exchange(self.exchange_name, type="direct", durable=True)
        queue = Queue(
            self.queue_name,
            exchange=exchange,
            routing_key=self.routing_key,
            durable=True,
            queue_arguments={"x-queue-type": "classic"},
        )
        object.__setattr__(self, "exchange", exchange)
        object.__setattr__(self, "queue", queue)

    def publisher(self, amqp_uri: str) -> Publisher:
        """The outbox relay's publisher of job messages (persistent, confirmed, routed to the queue)."""
        return Publisher(
            amqp_uri,
            use_confirms=True,
            mandatory=True,
            serializer="json",
            exchange=self.exchange,
            declare=[self.exchange, self.queue],
            retry=True,
            retry_policy=SHORT_RETRY,
        )

    @property
    def outbox_channels(self) -> dict[str, Any]:
        """{channel: publisher factory} for the service's Outbox."""
        return {self.channel: self.publisher}

    def message(self, job_id: object) -> dict[str, str]:
        return {self.id_field: str(job_id)}

    def enqueue(self, outbox: Any, session: Any, job_id: object) -> None:
        """Queue the job in ``session``'s transaction (call ``outbox.flush()`` after the commit)."""
        outbox.message(session, self.channel, self.routing_key, self.message(job_id))


class OneAtATimeQueueConsumer(QueueConsumer):
    """A queue consumer that holds one unacknowledged message at a time."""

    @property
    def prefetch_count(self) -> int:
        return 1


class OneAtATimeConsumer(Consumer):
    queue_consumer = OneAtATimeQueueConsumer()


consume_one_at_a_time = OneAtATimeConsumer.decorator  # @consume_one_at_a_time(JOBS.queue)
