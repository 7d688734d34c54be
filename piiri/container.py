"""The service container every Piiri service runs in (issue 11 items 6 and 7): nameko's container, plus two
checks made once, here, for every entrypoint that a message starts.

- Signed context (piiri/signing.py): before an ``@rpc``, ``@event_handler`` or ``@consume`` worker
  runs, the context's signature is verified. A refused RPC gets a NotAuthenticated error reply; a
  refused RPC or event also goes to the dead letters (piiri/dead_letters.py), so it is on record.
- Dead letters: an ``@event_handler`` or ``@consume`` worker that raises is retried a few times and then
  dead-lettered (piiri/dead_letters.py), instead of being dropped or requeued for ever (stack.md
  trap 12); a message whose body cannot be decoded is dead-lettered too.

``load_config`` (piiri/config.py) names this class as nameko's ``SERVICE_CONTAINER_CLS``, so
``piiri run``, ``nameko run`` with a Piiri config and the tests all use it; a new consumer needs nothing
but nameko's own decorators.
"""

import functools
import logging
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any

import eventlet
from amqp.exceptions import ConnectionError as AMQPConnectionError
from kombu.exceptions import OperationalError as KombuOperationalError
from kombu.message import Message
from nameko.constants import (
    AMQP_SSL_CONFIG_KEY,
    AMQP_URI_CONFIG_KEY,
    DEFAULT_SERIALIZER,
    LOGIN_METHOD_CONFIG_KEY,
    SERIALIZER_CONFIG_KEY,
)
from nameko.containers import ServiceContainer, WorkerContext
from nameko.extensions import Entrypoint
from nameko.messaging import Consumer, QueueConsumer
from nameko.rpc import Rpc, get_rpc_exchange

from piiri import dead_letters, signing
from piiri.dead_letters import DeadLetterPublisher, Unprocessable, attempts_of, error_text
from piiri.errors import NotAuthenticated
from piiri.rpc import TransientResponder

log = logging.getLogger(__name__)

# What sending on a connection the broker closed raises (kombu wraps some of it in OperationalError).
BROKER_GONE = (KombuOperationalError, AMQPConnectionError, ConnectionError, OSError)

# Seconds a queue consumer waits for a message before it looks whether it should stop (kombu's
# ``safety_interval``; config CONSUMER_POLL_SECONDS): a stop, SIGTERM of `piiri run`, waits up to about twice
# this long. Tests that start and stop `piiri run` many times use a short one.
DEFAULT_CONSUMER_POLL = 1.0

# nameko's handle_result callback: (worker_ctx, result, exc_info) -> (result, exc_info)
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]
HandleResult = Callable[[WorkerContext, Any, ExcInfo | None], Any]


def source_queue(entrypoint: Entrypoint) -> str:
    if isinstance(entrypoint, Rpc):
        name: str = entrypoint.rpc_consumer.queue.name
        return name
    name = entrypoint.queue.name
    return name


def message_of(handle_result: HandleResult | None) -> Message | None:
    """The kombu message a nameko Consumer or Rpc entrypoint bound into its ``handle_result``; None when
    the worker was not started by a message (nameko's ``entrypoint_hook`` in tests, in-process)."""
    if isinstance(handle_result, functools.partial) and handle_result.args:
        candidate = handle_result.args[0]
        if isinstance(candidate, Message):
            return candidate
    return None


def transient_reply(entrypoint: Rpc, message: Message) -> HandleResult:
    """nameko's reply to an RPC (RpcConsumer.handle_result: send the result, then ack the request), sent
    as a transient message without a publisher confirm (piiri/rpc.py, issue 18)."""
    config = entrypoint.container.config

    def handle(worker_ctx: WorkerContext, result: Any, exc_info: ExcInfo | None) -> Any:
        responder = TransientResponder(
            config[AMQP_URI_CONFIG_KEY],
            get_rpc_exchange(config),
            config.get(SERIALIZER_CONFIG_KEY, DEFAULT_SERIALIZER),
            message,
            ssl=config.get(AMQP_SSL_CONFIG_KEY),
            login_method=config.get(LOGIN_METHOD_CONFIG_KEY),
        )
        result, exc_info = responder.send_response(result, exc_info)
        entrypoint.rpc_consumer.queue_consumer.ack_message(message)
        return result, exc_info

    return handle


class PiiriContainer(ServiceContainer):
    def __init__(self, service_cls: type, config: Mapping[str, Any]) -> None:
        super().__init__(service_cls, config)
        self.context_keys = signing.context_keys(config)
        self.max_attempts = dead_letters.max_attempts(config)
        self._dead_letters: DeadLetterPublisher | None = None

    @property
    def dead_letters(self) -> DeadLetterPublisher:
        if self._dead_letters is None:
            self._dead_letters = DeadLetterPublisher(self.config["AMQP_URI"])
        return self._dead_letters

    def start(self) -> None:
        poll = float(self.config.get("CONSUMER_POLL_SECONDS", DEFAULT_CONSUMER_POLL))
        for extension in self.extensions:
            if isinstance(extension, QueueConsumer):
                self._catch_decode_errors(extension)
                if poll != DEFAULT_CONSUMER_POLL:
                    extension.consume = functools.partial(
                        type(extension).consume, extension, safety_interval=poll
                    )
        super().start()

    def spawn_worker(
        self,
        entrypoint: Entrypoint,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        context_data: Mapping[str, Any] | None = None,
        handle_result: HandleResult | None = None,
    ) -> WorkerContext:
        message = message_of(handle_result)
        if message is not None and handle_result is not None and isinstance(entrypoint, (Rpc, Consumer)):
            # nameko turns every header into context data: the retry bookkeeping is not context
            context_data = {k: v for k, v in (context_data or {}).items() if not k.startswith("x-piiri-")}
            try:
                signing.verify(context_data, self.context_keys, required=isinstance(entrypoint, Consumer))
            except signing.BadSignature as exc:
                return self._refuse(entrypoint, message, args, kwargs, handle_result, exc)
            if isinstance(entrypoint, Consumer):
                handle_result = self._guarded(entrypoint, message, handle_result)
            else:
                handle_result = self._reply_guarded(transient_reply(entrypoint, message))
        return super().spawn_worker(entrypoint, args, kwargs, context_data, handle_result)

    # --- RPC replies while the broker is away ------------------------------------------------------

    def _reply_guarded(self, handle_result: HandleResult) -> HandleResult:
        """An RPC reply that cannot be sent because the broker went away (a restart, a failover) is
        logged, not raised: nameko would let the error kill the whole container (issue 12's fault
        harness saw contacts and imports exit on every RabbitMQ restart). The request stays unacked on
        the dead channel, so the broker hands it out again when the consumer reconnects, and RPCs are
        idempotent or harmless when repeated (stack.md trap 10)."""

        def handle(worker_ctx: WorkerContext, result: Any, exc_info: ExcInfo | None) -> Any:
            try:
                return handle_result(worker_ctx, result, exc_info)
            except BROKER_GONE as exc:
                log.warning(
                    "%s: the reply to %s could not be sent (%s); the broker redelivers the request",
                    self.service_name,
                    worker_ctx.entrypoint.method_name,
                    error_text(exc),
                )
                return result, exc_info

        return handle

    # --- refusing a bad signature ------------------------------------------------------------------

    def _refuse(
        self,
        entrypoint: Entrypoint,
        message: Message,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        handle_result: HandleResult,
        exc: signing.BadSignature,
    ) -> WorkerContext | None:
        """Runs in the entrypoint's message thread: the handler never runs."""
        queue = source_queue(entrypoint)
        log.error("%s: refused a message on %s: %s", self.service_name, queue, exc)
        try:
            self.dead_letters.dead_letter(message, queue, 0, f"refused: {exc}")
        except Exception:
            log.exception("%s: could not dead-letter a refused message; requeueing it", self.service_name)
            eventlet.sleep(1.0)
            consumer = (
                entrypoint.queue_consumer if isinstance(entrypoint, Consumer) else entrypoint.rpc_consumer
            )
            consumer.requeue_message(message)
            return None
        error = NotAuthenticated(
            "The call's acting-user context is not signed with a valid key, so it was refused.",
            {"context": [str(exc)]},
        )
        worker_ctx = WorkerContext(self, None, entrypoint, args, kwargs, data={})
        try:
            raise error
        except NotAuthenticated as raised:
            exc_info: ExcInfo = (NotAuthenticated, raised, raised.__traceback__)
        if isinstance(entrypoint, Consumer):
            entrypoint.queue_consumer.ack_message(message)
        else:
            handle_result(worker_ctx, None, exc_info)  # the error reply to the caller, and the ack
        return worker_ctx

    # --- retries and dead letters of consumers ----------------------------------------------------

    def _guarded(self, entrypoint: Entrypoint, message: Message, handle_result: HandleResult) -> HandleResult:
        def handle(worker_ctx: WorkerContext, result: Any, exc_info: ExcInfo | None) -> Any:
            if exc_info is None:
                return handle_result(worker_ctx, result, exc_info)
            if self._retry_or_dead_letter(entrypoint, message, exc_info[1]):
                handle_result(worker_ctx, result, None)  # the copy is safely published: ack the original
            else:
                entrypoint.queue_consumer.requeue_message(message)  # never lost
            return result, exc_info

        return handle

    def _retry_or_dead_letter(self, entrypoint: Entrypoint, message: Message, exc: BaseException) -> bool:
        """True once the message is safely published again (retry or dead letter)."""
        queue = source_queue(entrypoint)
        attempts = attempts_of(message) + 1
        try:
            if not isinstance(exc, Unprocessable) and attempts < self.max_attempts:
                eventlet.sleep(dead_letters.retry_delay(attempts))
                log.warning(
                    "%s: retrying a message on %s (attempt %d): %s", self.service_name, queue, attempts, exc
                )
            self.dead_letters.after_failure(message, queue, attempts, exc, self.max_attempts)
        except Exception:
            log.exception("%s: could not retry or dead-letter a message on %s", self.service_name, queue)
            eventlet.sleep(1.0)
            return False
        return True

    # --- bodies that cannot be decoded ---------------------------------------------------------------

    def _catch_decode_errors(self, queue_consumer: QueueConsumer) -> None:
        """kombu raises a body it cannot decode out of the consumer loop (the consumer restarts and meets
        it again); instead, such a message goes to the dead letters."""
        if getattr(queue_consumer, "_piiri_decode_errors", False):
            return
        queue_consumer._piiri_decode_errors = True
        original = queue_consumer.get_consumers

        def get_consumers(consumer_cls: type, channel: Any) -> list[Any]:
            consumers = list(original(consumer_cls, channel))
            for consumer in consumers:
                queue = consumer.queues[0].name if consumer.queues else "?"
                consumer.on_decode_error = functools.partial(self._undecodable, queue_consumer, queue)
            return consumers

        queue_consumer.get_consumers = get_consumers

    def _undecodable(
        self, queue_consumer: QueueConsumer, queue: str, message: Message, exc: BaseException
    ) -> None:
        try:
            self.dead_letters.dead_letter(message, queue, 1, f"cannot decode the body: {error_text(exc)}")
        except Exception:
            log.exception("%s: could not dead-letter an undecodable message on %s", self.service_name, queue)
            message.requeue()
            return
        message.ack()
