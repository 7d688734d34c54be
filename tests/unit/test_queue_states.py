"""GET /health reads the workers' and the dead letters' queues through one broker connection
(piiri.messaging.queue_states); each part picks its figures out of the same answer."""

from gateway.site import worker_health
from piiri import dead_letters
from piiri.messaging import queue_states


def test_an_unreachable_broker_gives_none_for_every_queue():
    assert queue_states("pyamqp://guest:guest@127.0.0.1:1//", ["a", "b"], timeout=0.5) is None
    assert worker_health.consumers_of(None) == {
        "contacts_worker": None,
        "import_worker": None,
        "exports_worker": None,
        "mailing_worker": None,
        "billing_worker": None,
    }
    assert set(dead_letters.messages_in(None).values()) == {None}


def test_workers_are_the_consumers_and_dead_letters_the_messages_of_their_queues():
    states = {name: (7, 0) for name in dead_letters.QUEUE_NAMES}
    states.update({queue: (3, 2) for queue in worker_health.WORKER_QUEUES.values()})
    assert worker_health.consumers_of(states) == {
        "contacts_worker": 2,
        "import_worker": 2,
        "exports_worker": 2,
        "mailing_worker": 2,
        "billing_worker": 2,
    }
    assert dead_letters.messages_in(states) == dict.fromkeys(dead_letters.QUEUE_NAMES, 7)
