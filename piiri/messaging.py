"""The exchanges and queues Piiri publishes to, and publishers that confirm every message."""

import inspect
import logging
from collections.abc import Iterable, Mapping, Sequence

from amqp.exceptions import NotFound
from kombu import Connection, Exchange, Queue
from nameko.amqp.publish import Publisher, UndeliverableMessage  # noqa: F401 (re-exported)
from nameko.constants import HEADER_PREFIX
from nameko.events import SERVICE_POOL, EventHandler
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR, DependencyProvider

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


def kept_queue(
    source_service: str,
    event_type: str,
    queue_service: str,
    method_name: str,
    exchange: Exchange | None = None,
) -> Queue:
    """The durable queue of a KeptQueueEventHandler: the one nameko's service-pool handler
    ``queue_service.method_name`` consumes (``evt-<source>-<event_type>--<queue_service>.<method>``), so the
    worker's handler and the service that declares it for the worker (KeptQueues) declare it alike.
    ``exchange``: the handler's own (nameko's, from its configuration), else event_exchange(source)."""
    return Queue(
        f"evt-{source_service}-{event_type}--{queue_service}.{method_name}",
        exchange=exchange or event_exchange(source_service),
        routing_key=event_type,
        durable=True,
    )


class KeptQueueEventHandler(EventHandler):
    """``@KeptQueueEventHandler.decorator(source, event_type, queue_service="contacts")``: a nameko
    service-pool event handler whose durable queue keeps the name it has under ``queue_service``
    (``evt-<source>-<event_type>--<queue_service>.<method>``) whichever service runs it. A handler moved
    from a service to that service's background worker so goes on consuming the same queue: what was
    queued before the move is handled after it, and the old and the new process can run side by side
    during a rolling update (each message still goes to one of them)."""

    def __init__(self, source_service: str, event_type: str, queue_service: str, **kwargs: object) -> None:
        super().__init__(source_service, event_type, **kwargs)
        self.queue_service = queue_service

    def setup(self) -> None:
        super().setup()
        if self.handler_type != SERVICE_POOL:
            raise ValueError("a kept queue is for service-pool event handlers only")
        if self.reliable_delivery is False:  # KeptQueues declares it durable, never auto-deleted
            raise ValueError("a kept queue is for event handlers with reliable delivery only")
        self.queue = kept_queue(
            self.source_service,
            self.event_type,
            self.queue_service,
            self.method_name,
            self.queue.exchange,  # type: ignore[has-type]
        )


kept_queue_event_handler = KeptQueueEventHandler.decorator


def kept_queues(service_class: type) -> list[Queue]:
    """The durable queues of ``service_class``'s KeptQueueEventHandlers, as they declare them."""
    queues = []
    for method_name, member in inspect.getmembers(service_class):
        for handler in getattr(member, ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if isinstance(handler, KeptQueueEventHandler):
                queues.append(
                    kept_queue(handler.source_service, handler.event_type, handler.queue_service, method_name)
                )
    return queues


class KeptQueues(DependencyProvider):
    """``KeptQueues(WorkerClass)`` on the service that publishes the events: declares, when the service
    starts, the kept queues of the worker's handlers (kept_queues), so that every event is kept for the
    worker even on a new installation where no worker has started yet, or while none runs."""

    def __init__(self, worker_class: type) -> None:
        self.worker_class = worker_class

    def start(self) -> None:
        try:
            with Connection(self.container.config["AMQP_URI"]) as connection:
                channel = connection.default_channel
                for queue in kept_queues(self.worker_class):
                    queue.bind(channel).declare()
        except Exception:  # the broker is down: the worker declares them too when it starts
            log.exception("could not declare the queues of %s", self.worker_class.__name__)

    def get_dependency(self, worker_ctx: object) -> "KeptQueues":
        return self
