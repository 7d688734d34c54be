"""Publishing with pipelined publisher confirms (issue 18): the audit records of reads.

A read may return its data only once the broker has confirmed that its audit record is queued (fail
closed, G2). Waiting for each confirm on a connection of its own (nameko's ``Publisher`` with
``use_confirms``) costs every read a pooled connection, a channel round trip and the confirm wait in turn.
Here one connection and one channel in confirm mode per publisher carry every record: ``publish`` writes
the message and waits for its own confirm, while the records of other greenlets go out behind it; a reader
greenlet takes the broker's acks (one ``basic.ack`` with ``multiple`` confirms many) and wakes each waiter.
So concurrent reads share the confirm round trips, and a record still counts as delivered only when:

- the broker acked its delivery tag (a ``basic.nack``, e.g. a full queue that rejects publishes, fails it);
- it was not returned as unroutable (``mandatory``: the audit queue must exist and be bound);
- the ack came within ``timeout`` seconds, on the connection it was sent on (a lost connection fails
  every record waiting on it; the next publish connects anew).
Any failure raises ``NotConfirmed``; the caller refuses the read.
"""

import logging
import time
from collections.abc import Iterator, Mapping
from itertools import count
from typing import Any

import amqp
import eventlet
from eventlet.event import Event
from eventlet.semaphore import Semaphore
from kombu import Connection, Exchange, Queue
from kombu.utils.json import dumps

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 5.0  # seconds a publish waits for its confirm
HEARTBEAT = 60
READ_WAIT = 1.0  # seconds the reader waits for a frame before it checks heartbeats


class NotConfirmed(Exception):
    """The broker did not confirm the message (nack, unroutable, timeout or connection lost)."""


class _Waiter:
    def __init__(self) -> None:
        self.event: Event = Event()
        self.returned: str | None = None  # why the broker returned the message, if it did


class _Link:
    """One connection and its confirm-mode channel; its delivery tags count from 1."""

    def __init__(self, connection: Connection, channel: Any) -> None:
        self.connection = connection
        self.channel = channel
        self.tags: Iterator[int] = count(1)
        self.pending: dict[int, _Waiter] = {}  # delivery tag -> _Waiter
        self.by_message_id: dict[str, _Waiter] = {}  # message id -> _Waiter, to match a basic.return
        self.reader: Any = None
        self.closed = False


class ConfirmingPublisher:
    """``publish(body, routing_key, headers, message_id)`` to ``exchange``; returns once confirmed."""

    def __init__(
        self,
        amqp_uri: str,
        exchange: Exchange,
        declare: tuple[Queue, ...] = (),
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.amqp_uri = amqp_uri
        self.exchange = exchange
        self.declare = declare
        self.timeout = timeout
        self.lock = Semaphore(1)  # one writer at a time: tags must follow the order of the frames
        self.link: _Link | None = None

    # --- publishing ----------------------------------------------------------------------------------

    def publish(
        self, body: Mapping[str, Any], routing_key: str, headers: Mapping[str, Any], message_id: str
    ) -> None:
        message = amqp.Message(
            dumps(body),
            content_type="application/json",
            content_encoding="utf-8",
            delivery_mode=2,
            application_headers=headers,
            message_id=message_id,
        )
        waiter = _Waiter()
        with self.lock:
            link = self._connected()
            tag = next(link.tags)
            link.pending[tag] = waiter
            link.by_message_id[message_id] = waiter
            try:
                link.channel.basic_publish(
                    message, exchange=self.exchange.name, routing_key=routing_key, mandatory=True
                )
            except Exception as exc:
                self._lose(link, exc)
                raise NotConfirmed(f"publishing failed: {exc!r}") from exc
        try:
            with eventlet.Timeout(self.timeout):
                outcome = waiter.event.wait()
        except eventlet.Timeout:
            link.pending.pop(tag, None)
            outcome = f"no confirm within {self.timeout} s"
        finally:
            link.by_message_id.pop(message_id, None)
        if outcome is not True:
            raise NotConfirmed(outcome)
        if waiter.returned is not None:
            raise NotConfirmed(f"returned by the broker: {waiter.returned}")

    def _connected(self) -> _Link:
        """The live link, or a new one (called with the lock held)."""
        if self.link is not None and not self.link.closed:
            return self.link
        connection = Connection(self.amqp_uri, heartbeat=HEARTBEAT, connect_timeout=self.timeout)
        connection.ensure_connection(max_retries=1)
        # Only the reader greenlet may read the socket: py-amqp's basic_publish would otherwise look for a
        # connection.blocked notice with a read of its own before each publish (the reader handles it).
        capabilities = connection.connection.client_properties.get("capabilities") or {}
        capabilities["connection.blocked"] = False
        channel = connection.channel()
        self.exchange.bind(channel).declare()
        for queue in self.declare:
            queue.bind(channel).declare()
        channel.confirm_select()
        link = _Link(connection, channel)
        channel.events["basic_ack"].add(lambda tag, multiple: self._settle(link, tag, multiple, True))
        channel.events["basic_nack"].add(
            lambda tag, multiple: self._settle(link, tag, multiple, "nacked by the broker")
        )
        channel.events["basic_return"].add(lambda exc, *_rest: self._returned(link, exc, _rest[-1]))
        link.reader = eventlet.spawn(self._read, link)
        self.link = link
        return link

    # --- the reader ----------------------------------------------------------------------------------

    def _read(self, link: _Link) -> None:
        raw = link.connection.connection
        beat_at = time.monotonic()
        try:
            while not link.closed:
                try:
                    raw.drain_events(timeout=READ_WAIT)
                except TimeoutError:
                    pass
                if time.monotonic() - beat_at >= READ_WAIT:
                    with self.lock:
                        link.connection.heartbeat_check()
                    beat_at = time.monotonic()
        except Exception as exc:  # the connection is lost: whatever waits on it fails
            if not link.closed:
                log.warning("audit publisher: connection lost: %r", exc)
            self._lose(link, exc)

    @staticmethod
    def _settle(link: _Link, tag: int, multiple: bool, outcome: object) -> None:
        tags = [pending for pending in link.pending if pending <= tag] if multiple else [tag]
        for settled in tags:
            waiter = link.pending.pop(settled, None)
            if waiter is not None:
                waiter.event.send(outcome)

    @staticmethod
    def _returned(link: _Link, exc: Exception, message: Any) -> None:
        message_id = message.properties.get("message_id")
        waiter = link.by_message_id.get(message_id)
        if waiter is not None:
            waiter.returned = str(exc)

    def _lose(self, link: _Link, exc: BaseException) -> None:
        link.closed = True
        if self.link is link:
            self.link = None
        for waiter in link.pending.values():
            waiter.event.send(f"connection lost: {exc!r}")
        link.pending.clear()
        try:
            link.connection.release()
        except Exception:  # already gone
            pass

    def close(self) -> None:
        link, self.link = self.link, None
        if link is None:
            return
        link.closed = True
        if link.reader is not None and link.reader is not eventlet.getcurrent():
            link.reader.kill()
        for waiter in link.pending.values():
            waiter.event.send("the publisher was closed")
        link.pending.clear()
        try:
            link.connection.release()
        except Exception:
            pass
