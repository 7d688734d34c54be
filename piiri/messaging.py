"""The exchanges and queues Piiri publishes to, and publishers that confirm every message."""

import logging
from collections.abc import Iterable, Mapping, Sequence

from amqp.exceptions import NotFound
from kombu import Connection, Exchange, Queue
from nameko.amqp.publish import Publisher, UndeliverableMessage  # noqa: F401 (re-exported)
from nameko.constants import HEADER_PREFIX

from piiri import signing

log = logging.getLogger(__name__)

AUDIT_EXCHANGE = Exchange("piiri.audit", type="topic", durable=True)
AUDIT_QUEUE = Queue(
    "piiri.audit.records",
    exchange=AUDIT_EXCHANGE,
    routing_key="#",
    durable=True,
    queue_arguments={"x-queue-type": "classic"},
)

# Retry briefly, then fail: a read must not hang while its audit event cannot be delivered.
SHORT_RETRY = {"max_retries": 2, "interval_start": 0.1, "interval_step": 0.2, "interval_max": 0.5}


def event_exchange(service_name: str) -> Exchange:
    """The exchange nameko's ``@event_handler(service_name, event_type)`` listens on."""
    return Exchange(f"{service_name}.events", type="topic", durable=True)


def context_headers(context: Mapping[str, object], keys: Sequence[str]) -> dict[str, object]:
    """Nameko-style headers so that a receiving nameko worker sees the same context data, signed with the
    first of ``keys`` (the context is this process's own: set by act_as or verified on arrival)."""
    context = signing.signed(context, keys)
    return {f"{HEADER_PREFIX}.{key}": value for key, value in context.items() if value is not None}


def audit_publisher(amqp_uri: str) -> Publisher:
    return Publisher(
        amqp_uri,
        use_confirms=True,
        mandatory=True,
        serializer="json",
        exchange=AUDIT_EXCHANGE,
        declare=[AUDIT_EXCHANGE, AUDIT_QUEUE],
        retry=True,
        retry_policy=SHORT_RETRY,
    )


def event_publisher(amqp_uri: str, service_name: str) -> Publisher:
    exchange = event_exchange(service_name)
    return Publisher(
        amqp_uri,
        use_confirms=True,
        serializer="json",
        exchange=exchange,
        declare=[exchange],
        retry=True,
        retry_policy=SHORT_RETRY,
    )


def queue_states(
    amqp_uri: str, names: Iterable[str], timeout: float = 3
) -> dict[str, tuple[int, int]] | None:
    """{queue: (messages, consumers)} of each named queue, by passive declares on one connection (a queue
    not declared yet: (0, 0)); None when the broker cannot be reached. What GET /health reads."""
    states: dict[str, tuple[int, int]] = {}
    try:
        with Connection(amqp_uri, connect_timeout=timeout) as connection:
            connection.ensure_connection(max_retries=1)
            for name in names:  # passive: a reader (the gateway's broker user) may not declare them
                channel = connection.channel()
                try:
                    _, messages, consumers = channel.queue_declare(queue=name, passive=True)
                except NotFound:
                    messages, consumers = 0, 0  # the broker closed this channel
                else:
                    channel.close()
                states[name] = (messages, consumers)
    except Exception as exc:  # any failure to reach the broker: the caller says so
        log.warning("cannot read the queues %s: %s", ", ".join(names), exc)
        return None
    return states
