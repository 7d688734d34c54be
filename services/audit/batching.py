"""The audit consumer's entrypoint (issue 12 "audit at scale", issue 18): messages taken from a queue in
batches and handed to one worker per batch, so a batch is stored in one transaction.

nameko's ``@consume`` runs one worker per message, and with it one transaction per record. ``@batch_consume``
keeps its own connection with a prefetch of ``3 × AUDIT_BATCH_SIZE`` (config, default 500), collects up to
``AUDIT_BATCH_SIZE`` messages or, when no batch of the process is in flight, what arrived within
``AUDIT_BATCH_WAIT`` seconds (default 0.1) of the first, and calls the service method with the list of
bodies. While a batch is in flight (holding the chain's head lock or waiting for it) the next one fills up
to AUDIT_BATCH_SIZE, so the busier the lock, the fewer transactions per record (issue 12, 18). The method
returns one outcome per body: anything, or an ``Unprocessable`` instance for a body that can never be stored.

Every guarantee of the service container (piiri/container.py) is kept, through the same functions:
- signed context (piiri/signing.py) is verified per message before its body reaches the method; an unsigned
  or badly signed record goes to the dead letters (``refused: …``) and is never stored;
- a body that cannot be decoded, and an outcome that is ``Unprocessable``, go to the dead letters at once;
- when the method raises (the database is away …), every message of the batch is retried with the
  container's growing pause (``x-piiri-attempts`` one higher), and dead-lettered after
  ``DEAD_LETTER_AFTER`` attempts (piiri/dead_letters.py);
- a message is acked only once it is stored or safely republished (retry, dead letter); if even that
  fails it is requeued: never dropped. A batch whose acks are lost is redelivered, and the handler is
  idempotent by event id, so it stores nothing twice.
The batch is acked with one ``basic.ack(multiple=True)`` when every message of it is done. Up to two batches
of a process are in flight at once (one is parsed and prepared while the other holds the chain's head
lock); they are settled, on the connection's own thread, in delivery order.
"""

import logging
import time
from collections import deque

import eventlet
from eventlet.event import Event
from kombu import Connection
from kombu import Consumer as KombuConsumer
from nameko.constants import DEFAULT_HEARTBEAT, HEADER_PREFIX, HEARTBEAT_CONFIG_KEY
from nameko.extensions import Entrypoint

from piiri import dead_letters, signing
from piiri.dead_letters import DeadLetterPublisher, Unprocessable, attempts_of, error_text

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 500
# Seconds after the first message of a batch. The wait delays no reader: a read returns its data once the
# broker confirmed its record, not once it is stored. A batch's own cost (a worker, a transaction of six
# statements, an ack) is most of a small batch's: at ~150 reads/s over two consumers, 0.02 s gathered one
# or two records a batch, 1.2-2.0 ms of a consumer's CPU a record; 0.1 s, 0.6 (issue 18, bench/README.md).
DEFAULT_BATCH_WAIT = 0.1
RECONNECT_PAUSE = 1.0
IN_FLIGHT = 2  # batches of one process at once: one is prepared while the other holds the head lock
POLL = 0.005  # seconds between looks at the batches in flight
DEFAULT_IDLE_WAIT = 1.0  # seconds an idle loop waits for a message: also how long a stop can take


class Flight:
    """A batch handed to a worker: which messages it got, and what is already known of the others."""

    def __init__(self, batch):
        self.batch = batch
        self.accepted = []  # indexes in batch of the bodies the worker stores
        self.done = {}  # index -> True once stored or safely republished, False to requeue
        self.finished = Event()  # sent the worker's outcomes, its exception, or None (no worker)


class Undecodable:
    """Stands in the batch for a message whose body kombu could not decode."""

    def __init__(self, exc):
        self.exc = exc


def context_of(message):
    """The nameko context data of a message (``nameko.*`` headers), without the retry bookkeeping."""
    prefix = f"{HEADER_PREFIX}."
    context = {}
    for key, value in (message.headers or {}).items():
        name = key[len(prefix) :] if key.startswith(prefix) else key
        if not name.startswith("x-piiri-"):
            context[name] = value
    return context


class BatchConsume(Entrypoint):
    def __init__(self, queue, **kwargs):
        self.queue = queue
        self._thread = None
        self._stopping = False
        self._dead_letters = None
        super().__init__(**kwargs)

    def setup(self):
        config = self.container.config
        self.amqp_uri = config["AMQP_URI"]
        self.batch_size = max(1, int(config.get("AUDIT_BATCH_SIZE", DEFAULT_BATCH_SIZE)))
        self.batch_wait = float(config.get("AUDIT_BATCH_WAIT", DEFAULT_BATCH_WAIT))
        self.idle_wait = float(config.get("AUDIT_IDLE_WAIT", DEFAULT_IDLE_WAIT))  # tests stop sooner
        self.heartbeat = config.get(HEARTBEAT_CONFIG_KEY, DEFAULT_HEARTBEAT)
        self.context_keys = signing.context_keys(config)
        self.max_attempts = dead_letters.max_attempts(config)

    @property
    def dead_letters(self):
        """The container's dead-letter publisher (PiiriContainer), or one of its own."""
        own = getattr(self.container, "dead_letters", None)
        if own is not None:
            return own
        if self._dead_letters is None:
            self._dead_letters = DeadLetterPublisher(self.amqp_uri)
        return self._dead_letters

    def start(self):
        self._stopping = False
        self._thread = self.container.spawn_managed_thread(self._run, identifier=f"{self}.consume")

    def stop(self):
        self._stopping = True  # the loop ends within idle_wait; unacked messages go back to the queue
        if self._thread is not None:
            self._thread.wait()

    def kill(self):
        if self._thread is not None:
            self._thread.kill()

    # --- the consuming loop ------------------------------------------------------------------------

    def _run(self):
        while not self._stopping:
            try:
                with Connection(self.amqp_uri, heartbeat=self.heartbeat) as connection:
                    self._consume(connection)
            except Exception as exc:  # connection lost: what was not acked comes back
                if self._stopping:
                    break
                log.warning("%s: consuming %s failed, reconnecting: %r", self, self.queue.name, exc)
                eventlet.sleep(RECONNECT_PAUSE)

    def _consume(self, connection):
        channel = connection.channel()
        pending, in_flight = [], deque()
        consumer = KombuConsumer(
            channel,
            queues=[self.queue],
            callbacks=[lambda body, message: pending.append((body, message))],
            on_decode_error=lambda message, exc: pending.append((Undecodable(exc), message)),
            accept=["json"],
        )
        consumer.qos(prefetch_count=(IN_FLIGHT + 1) * self.batch_size)
        consumer.consume()
        first_at, beat_at = None, time.monotonic()
        while not self._stopping:
            self._settle_finished(in_flight)
            if pending and first_at is None:
                first_at = time.monotonic()
            full = len(pending) >= self.batch_size
            # A batch is due once full, or AUDIT_BATCH_WAIT after its first message if none is in
            # flight; while one is (holding the head lock, or waiting for it), the next fills up.
            due = first_at is not None and (
                full or (not in_flight and time.monotonic() >= first_at + self.batch_wait)
            )
            if due and len(in_flight) >= IN_FLIGHT:
                in_flight[0].finished.wait()  # yields to the workers (a drain with no time would not)
                continue
            if due:
                batch, pending[:] = pending[: self.batch_size], pending[self.batch_size :]
                in_flight.append(self._start(batch))
                first_at = None
                continue
            timeout = (
                self.idle_wait
                if first_at is None
                else max(0.0, first_at + self.batch_wait - time.monotonic())
            )
            if in_flight:
                timeout = max(min(timeout, POLL), POLL / 5)
            try:
                connection.drain_events(timeout=timeout)
            except TimeoutError:  # socket.timeout is TimeoutError
                pass
            if in_flight:
                eventlet.sleep(0)  # the workers go on (a drain that finds data does not yield)
            if time.monotonic() - beat_at >= 1.0:
                connection.heartbeat_check()
                beat_at = time.monotonic()
        while in_flight:  # stopping: let the batches in flight finish, and settle them
            in_flight[0].finished.wait()
            self._settle_finished(in_flight)
        consumer.cancel()

    # --- one batch ---------------------------------------------------------------------------------

    def _start(self, batch):
        """Verify each message, dead-letter what cannot be a record, and start one worker with the rest."""
        flight = Flight(batch)
        for index, (body, message) in enumerate(batch):
            if isinstance(body, Undecodable):
                error = f"cannot decode the body: {error_text(body.exc)}"
                flight.done[index] = self._dead_letter(message, 1, error)
                continue
            try:
                signing.verify(context_of(message), self.context_keys, required=True)
            except signing.BadSignature as exc:
                log.error(
                    "%s: refused a message on %s: %s", self.container.service_name, self.queue.name, exc
                )
                flight.done[index] = self._dead_letter(message, 0, f"refused: {exc}")
                continue
            flight.accepted.append(index)
        if not flight.accepted:
            flight.finished.send(None)
            return flight
        bodies = [batch[index][0] for index in flight.accepted]

        def handle_result(worker_ctx, result, exc_info):
            outcome = exc_info[1] if exc_info is not None else result
            if not isinstance(outcome, BaseException) and len(outcome) != len(bodies):
                outcome = RuntimeError(
                    f"the batch handler returned {len(outcome)} outcomes for {len(bodies)}"
                )
            flight.finished.send(outcome)
            return result, exc_info

        self.container.spawn_worker(self, (bodies,), {}, context_data={}, handle_result=handle_result)
        return flight

    def _settle_finished(self, in_flight):
        """Settle the batches whose worker is done, oldest first, on this (the connection's) thread."""
        while in_flight and in_flight[0].finished.ready():
            flight = in_flight.popleft()
            outcome = flight.finished.wait()
            batch, accepted = flight.batch, flight.accepted
            if isinstance(outcome, BaseException):
                messages = [batch[index][1] for index in accepted]
                flight.done.update(self._retry_all(messages, accepted, outcome))
            elif outcome is not None:
                for index, result in zip(accepted, outcome, strict=True):
                    message = batch[index][1]
                    if isinstance(result, Unprocessable):
                        attempts = attempts_of(message) + 1
                        flight.done[index] = self._dead_letter(message, attempts, error_text(result))
                    else:
                        flight.done[index] = True
            self._settle(batch, flight.done)

    def _retry_all(self, messages, indexes, exc):
        """The container's policy for a worker that raised, for a whole batch: one pause, then each
        message republished with one more attempt, or dead-lettered when it has had them all."""
        attempts = [attempts_of(message) + 1 for message in messages]
        if not isinstance(exc, Unprocessable) and min(attempts) < self.max_attempts:
            eventlet.sleep(dead_letters.retry_delay(min(attempts)))
            log.warning("%s: retrying %d messages on %s: %s", self, len(messages), self.queue.name, exc)
        results = {}
        for index, message, count in zip(indexes, messages, attempts, strict=True):
            try:
                self.dead_letters.after_failure(message, self.queue.name, count, exc, self.max_attempts)
                results[index] = True
            except Exception:
                log.exception("%s: could not retry or dead-letter a message on %s", self, self.queue.name)
                results[index] = False
        return results

    def _dead_letter(self, message, attempts, error):
        try:
            self.dead_letters.dead_letter(message, self.queue.name, attempts, error)
        except Exception:
            log.exception("%s: could not dead-letter a message on %s; requeueing it", self, self.queue.name)
            return False
        return True

    def _settle(self, batch, done):
        """One multiple ack when the whole batch is done; else each message acked or requeued."""
        if all(done.get(index, False) for index in range(len(batch))):
            last = batch[-1][1]
            last.channel.basic_ack(last.delivery_tag, multiple=True)
            return
        eventlet.sleep(RECONNECT_PAUSE)  # as the container does before requeueing
        for index, (_, message) in enumerate(batch):
            if done.get(index, False):
                message.ack()
            else:
                message.requeue()


batch_consume = BatchConsume.decorator
