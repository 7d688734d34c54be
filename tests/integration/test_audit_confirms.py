"""Issue 18: the audit records of reads are published with pipelined confirms (piiri/confirms.py) and
still fail closed: concurrent publishes share one channel and each returns only once the broker confirmed
its own record; a record the broker refuses (a full queue: nack), cannot route (return), or does not
confirm in time, or one whose connection is lost, raises NotConfirmed; the next publish connects anew."""

import eventlet
import pytest
from kombu import Connection, Exchange

from piiri.confirms import ConfirmingPublisher, NotConfirmed
from piiri.messaging import AUDIT_EXCHANGE, AUDIT_QUEUE
from tests.conftest import break_audit_path, heal_audit_path
from tests.events import wait_for


@pytest.fixture
def audit_queue(config):
    """The audit queue of the test vhost, emptied before and after; yields a function counting it."""
    uri = config["AMQP_URI"]

    def count():
        with Connection(uri) as connection:
            return connection.channel().queue_declare(queue=AUDIT_QUEUE.name, passive=True).message_count

    def purge():
        with Connection(uri) as connection:
            channel = connection.channel()
            AUDIT_EXCHANGE.bind(channel).declare()
            AUDIT_QUEUE.bind(channel).declare()
            AUDIT_QUEUE.bind(channel).purge()

    purge()
    yield count
    purge()


@pytest.fixture
def publisher(config):
    publisher = ConfirmingPublisher(config["AMQP_URI"], AUDIT_EXCHANGE, declare=(AUDIT_QUEUE,), timeout=5)
    yield publisher
    publisher.close()


def record(number):
    return {"event_id": f"00000000-0000-4000-8000-{number:012d}", "action": "contact.viewed"}


def publish(publisher, number):
    publisher.publish(record(number), "contact.viewed", {"x-test": "1"}, record(number)["event_id"])
    return number


def test_issue18_concurrent_publishes_share_one_channel_and_each_is_confirmed(publisher, audit_queue):
    pool = eventlet.GreenPool(32)
    assert sorted(pool.imap(lambda number: publish(publisher, number), range(300))) == list(range(300))
    assert audit_queue() == 300
    link = publisher.link
    assert link is not None and link.pending == {}
    # only the reader greenlet reads the socket (py-amqp's publish would peek for connection.blocked)
    assert link.connection.connection.client_properties["capabilities"]["connection.blocked"] is False
    publish(publisher, 300)
    assert publisher.link is link  # one connection for all of them


def outcome(publisher, number):
    """ "confirmed", or the NotConfirmed text."""
    try:
        publish(publisher, number)
    except NotConfirmed as exc:
        return str(exc)
    return "confirmed"


def test_issue18_a_record_the_broker_refuses_is_not_confirmed(publisher, audit_queue, vhost):
    publish(publisher, 1)
    break_audit_path(vhost)  # the audit queue rejects publishes: the broker nacks
    try:
        # (rabbitmqctl's policy may take a moment to apply on a loaded machine)
        assert "nacked" in wait_for(lambda: "nacked" in (text := outcome(publisher, 2)) and text, seconds=10)
    finally:
        heal_audit_path(vhost)
    assert wait_for(lambda: outcome(publisher, 3) == "confirmed", seconds=10)
    assert audit_queue() >= 1


def test_issue18_an_unroutable_record_is_not_confirmed(config):
    nowhere = Exchange("piiri.test.nowhere", type="topic", durable=False, auto_delete=True)
    publisher = ConfirmingPublisher(config["AMQP_URI"], nowhere, timeout=5)
    try:
        with pytest.raises(NotConfirmed, match="returned"):
            publish(publisher, 1)
    finally:
        publisher.close()


def test_issue18_a_lost_connection_fails_what_waits_and_the_next_publish_reconnects(publisher, audit_queue):
    publish(publisher, 1)
    lost = publisher.link
    lost.connection.connection.sock.close()  # the broker connection breaks under the publisher
    with pytest.raises(NotConfirmed):
        for number in range(2, 50):  # the first publish or wait that sees the broken socket fails
            publish(publisher, number)
    assert lost.closed and lost.pending == {}
    publish(publisher, 100)
    assert publisher.link is not lost
    assert audit_queue() >= 2
