"""Dead letters (issue 11 item 6): where a message goes that a consumer cannot handle, and how it comes back.

The mechanism, one for every consumer: the service container (piiri/container.py) wraps the result of
every ``@consume`` and ``@event_handler`` worker (and refuses RPCs and events with a bad signature).
When a handler raises, the container republishes the message to its own queue (through the default
exchange, so no other subscriber sees it twice) with the header ``x-piiri-attempts`` one higher, after a
pause that doubles each time, and acks the original. On the ``DEAD_LETTER_AFTER``-th failure (config,
default 5), or at once when the handler raises ``Unprocessable`` (a message that cannot be parsed or
can never be stored) or the context's signature is bad, the container publishes the message, with
its original exchange, routing key, headers, source queue and the error, to the durable exchange
``piiri.dead_letters``, with publisher confirms, and only then acks the original. If even that publish
fails, the original is requeued: a message is never dropped.

Why not RabbitMQ's own dead-lettering (``x-dead-letter-exchange``)? Installed brokers already have
every queue, and RabbitMQ refuses to redeclare a queue with different x-arguments
(PRECONDITION_FAILED), so it would need a policy applied outside the services; it also cannot count
failures (a ``requeue`` does not change headers) nor carry the error. The consumer-side mechanism works
on existing queues, needs no policy and no migration, and is the same in every service.

Queues: ``piiri.dead_letters.audit`` holds what the audit consumer could not store (GET /health says
"degraded" while it is not empty); ``piiri.dead_letters`` holds everything else. ``piiri dead-letters
list|show ID|replay ID|replay --all [--queue Q]`` reads them (messages looked at are released again)
and replays one to its original exchange and routing key with its original headers.

Personal data in dead letters (G3, G4, read audit). A dead letter is a copy of a message, and messages
name people (a contact event, an audit record, an import row). The rule "every message that can hold
personal data is read-audited, in the access report and emptied by erasure" applies:

- One owner, the audit service (services/audit/erasure.py), answers for every dead-letter queue:
  its ``personal_data`` lists the dead letters naming the person (``letters_naming``) in the section
  ``dead_letters``, and its erasure handler removes them (``erase_naming``) before it reports, so the
  audit service's ``contact_erasure_completed`` covers them (summary ``dead_letters_removed`` and
  ``dead_letters_redacted``). Why one owner and not each service for its own source queues: the dead
  letters are in two shared queues, not in a service's database; a per-service split would make every
  service scan (and hold) every letter to find its own, and a letter whose source service is gone or
  renamed would belong to nobody. The audit service already consumes the audit dead letters' source,
  knows how to redact an audit record without losing it, and its erasure runs in a retried consumer.
- A letter names a person when the contact id (any case) occurs in its body, its error or a header.
  Only by id: after an erasure request the contacts service has already deleted the e-mail and names,
  so nobody could match by them at erasure time; and every Piiri message about a person carries the id.
- Reading without consuming: every message of a queue is taken with ``basic_get`` unacked and held;
  the ones to remove are acked, and closing the channel gives back the rest, unacked, to their
  places (RabbitMQ requeues a message at its original position), so the other letters keep their
  count and order and none is ever lost. A letter that must be kept but changed (an audit record:
  the log must not lose it) is first republished redacted, confirmed, and only then acked. A letter
  that a concurrent ``replay`` holds at that moment is not seen (it is on its way back to its
  consumer, which no longer finds the person).
- A message about the person still in flight during the erasure may fail and be dead-lettered after
  it: the audit service's timer removes the letters naming a subject its log records as erased.
- Letters from the erasure protocol's own queues (``piiri.erasure.*``: requests and reports, ids
  only) are listed but never erased: removing one would stop another service's erasure.
- Read audit: ``piiri dead-letters list`` and ``show`` print letters: each prints only after an audit
  record (``dead_letter.listed`` / ``dead_letter.viewed``, the operator as a system actor named by the
  OS user, subject ids = the ids found in the letters) is confirmed (piiri_cli/cli.py); fail-closed.
"""

import contextlib
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from amqp.exceptions import ResourceLocked
from kombu import Connection, Exchange, Producer, Queue
from kombu.message import Message
from nameko.amqp.publish import Publisher

from piiri.messaging import queue_states

log = logging.getLogger(__name__)

DEAD_LETTER_EXCHANGE = Exchange("piiri.dead_letters", type="direct", durable=True)
AUDIT_DEAD_LETTERS = Queue(
    "piiri.dead_letters.audit",
    exchange=DEAD_LETTER_EXCHANGE,
    routing_key="audit",
    durable=True,
    queue_arguments={"x-queue-type": "classic"},
)
DEAD_LETTERS = Queue(
    "piiri.dead_letters",
    exchange=DEAD_LETTER_EXCHANGE,
    routing_key="service",
    durable=True,
    queue_arguments={"x-queue-type": "classic"},
)
QUEUES = (AUDIT_DEAD_LETTERS, DEAD_LETTERS)
QUEUE_NAMES = tuple(queue.name for queue in QUEUES)
AUDIT_SOURCE = "piiri.audit.records"

ATTEMPTS = "x-piiri-attempts"
ORIGINAL_EXCHANGE = "x-piiri-original-exchange"
ORIGINAL_ROUTING_KEY = "x-piiri-original-routing-key"
DL_ID = "x-piiri-dead-letter-id"
DL_QUEUE = "x-piiri-dead-letter-queue"
DL_ERROR = "x-piiri-dead-letter-error"
DL_AT = "x-piiri-dead-letter-at"
OWN_HEADERS = (ATTEMPTS, ORIGINAL_EXCHANGE, ORIGINAL_ROUTING_KEY, DL_ID, DL_QUEUE, DL_ERROR, DL_AT)

DEFAULT_MAX_ATTEMPTS = 5
FIRST_RETRY_DELAY = 0.5  # seconds; doubles each failure, at most MAX_RETRY_DELAY
MAX_RETRY_DELAY = 30.0


class Unprocessable(Exception):
    """Raised by a handler for a message it can never handle (not parseable, not storable): it goes to
    the dead letters at once, with this error, instead of being retried."""


def max_attempts(config: Mapping[str, Any]) -> int:
    return max(1, int(config.get("DEAD_LETTER_AFTER", DEFAULT_MAX_ATTEMPTS)))


def retry_delay(attempts: int) -> float:
    return float(min(FIRST_RETRY_DELAY * 2 ** max(0, attempts - 1), MAX_RETRY_DELAY))


def error_text(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= 2000 else f"{text[:2000]}…"


def origin(message: Message) -> tuple[str, str]:
    """(exchange, routing key) the message was first published to, before any retry."""
    headers = message.headers or {}
    info = message.delivery_info or {}
    return (
        headers.get(ORIGINAL_EXCHANGE, info.get("exchange", "")),
        headers.get(ORIGINAL_ROUTING_KEY, info.get("routing_key", "")),
    )


def dead_letter_queue_for(source_queue: str) -> Queue:
    return AUDIT_DEAD_LETTERS if source_queue == AUDIT_SOURCE else DEAD_LETTERS


class DeadLetterPublisher:
    """Publishes retries and dead letters for one service container (confirms, mandatory)."""

    def __init__(self, amqp_uri: str) -> None:
        self.publisher = Publisher(
            amqp_uri,
            use_confirms=True,
            mandatory=True,
            declare=[DEAD_LETTER_EXCHANGE, *QUEUES],
            retry=True,
            retry_policy={"max_retries": 3, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 1},
        )

    def _publish(
        self, message: Message, headers: Mapping[str, Any], exchange: Exchange | str, routing_key: str
    ) -> None:
        properties = message.properties or {}
        extra = {}
        for name in ("reply_to", "correlation_id", "priority"):
            if properties.get(name) is not None:
                extra[name] = properties[name]
        self.publisher.publish(
            message.body,
            content_type=message.content_type or "application/json",
            content_encoding=message.content_encoding or "utf-8",
            headers=headers,
            exchange=exchange,
            routing_key=routing_key,
            **extra,
        )

    def retry(self, message: Message, source_queue: str, attempts: int) -> None:
        """The message again at the end of its own queue, counted."""
        exchange, routing_key = origin(message)
        headers = {
            **(message.headers or {}),
            ATTEMPTS: attempts,
            ORIGINAL_EXCHANGE: exchange,
            ORIGINAL_ROUTING_KEY: routing_key,
        }
        self._publish(message, headers, "", source_queue)

    def dead_letter(self, message: Message, source_queue: str, attempts: int, error: str) -> str:
        """The message, with where it came from and why it failed, into the dead letters; returns its id."""
        exchange, routing_key = origin(message)
        letter_id = str(uuid.uuid4())
        headers = {
            **(message.headers or {}),
            ATTEMPTS: attempts,
            ORIGINAL_EXCHANGE: exchange,
            ORIGINAL_ROUTING_KEY: routing_key,
            DL_ID: letter_id,
            DL_QUEUE: source_queue,
            DL_ERROR: error,
            DL_AT: datetime.now(UTC).isoformat(),
        }
        queue = dead_letter_queue_for(source_queue)
        self._publish(message, headers, DEAD_LETTER_EXCHANGE, queue.routing_key)
        log.error("dead letter %s from %s (%s attempts): %s", letter_id, source_queue, attempts, error)
        return letter_id

    def after_failure(
        self, message: Message, source_queue: str, attempts: int, exc: BaseException, max_attempts: int
    ) -> None:
        """The policy every consumer follows for a message whose handling failed: Unprocessable, or its
        last allowed attempt, goes to the dead letters; any other is retried with one more attempt."""
        if isinstance(exc, Unprocessable) or attempts >= max_attempts:
            self.dead_letter(message, source_queue, attempts, error_text(exc))
        else:
            self.retry(message, source_queue, attempts)


def attempts_of(message: Message) -> int:
    """How many times the message has been handled and failed already (0 for a new one)."""
    return int((message.headers or {}).get(ATTEMPTS, 0) or 0)


# --- reading and replaying (the `piiri dead-letters` command, GET /health) ------------------------------


def counts(amqp_uri: str, timeout: float = 3) -> dict[str, int | None]:
    """{dead-letter queue: messages in it}; a queue not declared yet holds 0; None without a broker."""
    return messages_in(queue_states(amqp_uri, QUEUE_NAMES, timeout))


def messages_in(states: Mapping[str, tuple[int, int]] | None) -> dict[str, int | None]:
    """The dead-letter counts out of ``queue_states`` (None each when the broker could not be read)."""
    return {name: None if states is None else states[name][0] for name in QUEUE_NAMES}


def _letter(queue: Queue, message: Message) -> dict[str, Any]:
    headers = dict(message.headers or {})
    body = message.body
    if isinstance(body, bytes):
        try:
            body = body.decode(message.content_encoding or "utf-8")
        except (UnicodeDecodeError, LookupError):
            body = repr(body)
    return {
        "id": headers.get(DL_ID),
        "dead_letter_queue": queue.name,
        "queue": headers.get(DL_QUEUE),
        "exchange": headers.get(ORIGINAL_EXCHANGE),
        "routing_key": headers.get(ORIGINAL_ROUTING_KEY),
        "attempts": headers.get(ATTEMPTS),
        "error": headers.get(DL_ERROR),
        "at": headers.get(DL_AT),
        "headers": {k: v for k, v in headers.items() if k not in OWN_HEADERS},
        "content_type": message.content_type,
        "body": body,
    }


# Reading the dead letters takes them off their queue, unacked, until the channel closes: two readers at
# once would each see only part of them (the audit service's timer looking for letters about erased
# people, an operator's `piiri dead-letters list`, an erasure). So every reader first declares this
# exclusive queue: RabbitMQ lets only one connection hold it (another gets RESOURCE_LOCKED) and deletes it
# when that connection closes, however the holder ends. One reader at a time, no lock left behind.
SCAN_LOCK = "piiri.dead_letters.scan"
SCAN_LOCK_WAIT = 30.0  # seconds a reader waits for the one before it


@contextlib.contextmanager
def _scan_lock(connection: Any, wait: float = SCAN_LOCK_WAIT) -> Iterator[None]:
    """Hold the dead letters' reading lock on ``connection`` (released when it closes)."""
    deadline = time.monotonic() + wait
    pause = 0.05
    while True:
        channel = connection.channel()
        try:
            Queue(SCAN_LOCK, exclusive=True, auto_delete=True, durable=False).bind(channel).declare()
        except ResourceLocked:  # the broker closed that channel; try again on a new one
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"Another reader has held the dead letters for over {wait:.0f} s ({SCAN_LOCK})."
                ) from None
            time.sleep(pause)
            pause = min(pause * 2, 1.0)
            continue
        yield
        return


def _each(channel: Any, queue_filter: str | None = None) -> Iterator[tuple[Queue, Message]]:
    """(dead-letter queue, kombu message) for every dead letter, each held unacked on ``channel``."""
    for queue in QUEUES:
        bound = queue.bind(channel)
        bound.declare()
        while True:
            message = bound.get(no_ack=False, accept=["json", "text/plain", "application/data"])
            if message is None:
                break
            if queue_filter and (message.headers or {}).get(DL_QUEUE) != queue_filter:
                continue
            yield queue, message


def list_letters(amqp_uri: str, queue_filter: str | None = None) -> list[dict[str, Any]]:
    """Every dead letter (the messages stay where they are)."""
    with Connection(amqp_uri) as connection, _scan_lock(connection):
        channel = connection.channel()
        letters = [_letter(queue, message) for queue, message in _each(channel, queue_filter)]
        channel.close()  # releases every message looked at, unacked: they stay dead letters
    return letters


def show(amqp_uri: str, letter_id: str) -> dict[str, Any] | None:
    for letter in list_letters(amqp_uri):
        if letter["id"] == letter_id:
            return letter
    return None


def replay(amqp_uri: str, letter_id: str | None = None, queue_filter: str | None = None) -> list[str | None]:
    """Republish the dead letter ``letter_id`` (or every one, of ``queue_filter`` if given) to its
    original exchange and routing key with its original headers, confirmed; only then remove it.
    Returns the ids replayed."""
    replayed: list[str | None] = []
    with (
        Connection(amqp_uri, transport_options={"confirm_publish": True}) as connection,
        _scan_lock(connection),
    ):
        channel = connection.channel()
        producer = Producer(connection.channel())
        for _, message in _each(channel, queue_filter):
            headers = dict(message.headers or {})
            if letter_id is not None and headers.get(DL_ID) != letter_id:
                continue
            producer.publish(
                message.body,
                exchange=headers.get(ORIGINAL_EXCHANGE, ""),
                routing_key=headers.get(ORIGINAL_ROUTING_KEY, ""),
                headers={k: v for k, v in headers.items() if k not in OWN_HEADERS},
                content_type=message.content_type or "application/json",
                content_encoding=message.content_encoding or "utf-8",
                delivery_mode=2,
                mandatory=True,
            )
            message.ack()
            replayed.append(headers.get(DL_ID))
        channel.close()
    return replayed


# --- personal data in dead letters (G3, G4, read audit) --------------------------------------------------

ERASURE_SOURCES = "piiri.erasure."  # the erasure protocol's own queues: ids only, never erased
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _texts(letter: Mapping[str, Any]) -> Iterator[str]:
    yield str(letter["body"] or "")
    yield str(letter["error"] or "")  # an error text may quote the message
    for value in (letter["headers"] or {}).values():
        yield str(value)


def names(letter: Mapping[str, Any], contact_id: object) -> bool:
    """True if the contact id (any case) occurs in the letter's body, its error or one of its headers."""
    needle = str(contact_id).lower()
    return any(needle in text.lower() for text in _texts(letter))


def subject_ids(letters: Sequence[Mapping[str, Any]]) -> list[str]:
    """Every id (UUID) the letters' bodies and headers hold, but their own dead-letter ids: the subjects
    of the audit record of an operator's read."""
    own = {str(letter["id"]).lower() for letter in letters}
    found = {match.lower() for letter in letters for text in _texts(letter) for match in _UUID.findall(text)}
    return sorted(found - own)


def letters_naming(amqp_uri: str, contact_id: object) -> list[dict[str, Any]]:
    """G3: every dead letter naming the contact, oldest first in each queue (they stay where they are)."""
    return [letter for letter in list_letters(amqp_uri) if names(letter, contact_id)]


def erase_naming(
    amqp_uri: str, contact_id: object, rewrite: Callable[[dict[str, Any]], Any] | None = None
) -> dict[str, int]:
    """G4: remove every dead letter naming the contact, except the erasure protocol's own. ``rewrite``
    (letter → new body text, or None to remove it) may keep a letter in redacted form: the new body is
    published to the same dead-letter queue with the same headers, confirmed, before the original is
    acked (a body returned unchanged keeps the letter as it is, in its place). The other
    letters are given back unacked, in their order. Returns {"removed": n, "redacted": n}."""
    summary = {"removed": 0, "redacted": 0}
    with (
        Connection(amqp_uri, transport_options={"confirm_publish": True}) as connection,
        _scan_lock(connection),
    ):
        channel = connection.channel()
        producer = Producer(connection.channel())
        for queue, message in list(_each(channel)):
            letter = _letter(queue, message)
            if not names(letter, contact_id) or str(letter["queue"] or "").startswith(ERASURE_SOURCES):
                continue
            body = rewrite(letter) if rewrite else None
            if body is not None and body == letter["body"]:
                continue  # nothing left to redact: it stays as it is
            if body is not None:
                producer.publish(
                    body,
                    exchange=DEAD_LETTER_EXCHANGE,
                    routing_key=queue.routing_key,
                    headers=dict(message.headers or {}),
                    content_type=message.content_type or "application/json",
                    content_encoding=message.content_encoding or "utf-8",
                    delivery_mode=2,
                    mandatory=True,
                )
                summary["redacted"] += 1
            else:
                summary["removed"] += 1
            message.ack()
        channel.close()  # gives every other letter back, unacked, to its place
    return summary
