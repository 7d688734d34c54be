"""Issue 18: a process answering staff relays its outbox at a bounded rate (OUTBOX_RELAY_BURST full
batches in a row, then OUTBOX_RELAY_PAUSE); a worker process (``*_worker``) drains it unbounded."""

import pytest

from piiri.outbox import DEFAULT_RELAY_BURST, DEFAULT_RELAY_PAUSE, Outbox, relay_bound


class FakeRelay:
    """relay_once() answers full batches while ``backlog`` rows are left."""

    batch_size = 200

    def __init__(self, backlog):
        self.backlog, self.calls = backlog, 0

    def relay_once(self):
        self.calls += 1
        sent = min(self.batch_size, self.backlog)
        self.backlog -= sent
        return sent


def outbox_with(relay, burst):
    outbox = Outbox("contacts", table=None)
    outbox.relay, outbox.burst, outbox._running = relay, burst, True
    return outbox


def test_the_bound_applies_to_service_processes_not_to_workers():
    assert relay_bound("contacts", {}) == (DEFAULT_RELAY_BURST, DEFAULT_RELAY_PAUSE)
    assert relay_bound("contacts_worker", {}) == (0, DEFAULT_RELAY_PAUSE)
    assert relay_bound("imports", {"OUTBOX_RELAY_BURST": "2", "OUTBOX_RELAY_PAUSE": "0.5"}) == (2, 0.5)
    assert relay_bound("gateway", {"OUTBOX_RELAY_BURST": 0}) == (0, DEFAULT_RELAY_PAUSE)  # 0: unbounded
    with pytest.raises(ValueError):
        relay_bound("contacts", {"OUTBOX_RELAY_BURST": -1})
    with pytest.raises(ValueError, match="OUTBOX_RELAY_BURST must be a whole number"):
        relay_bound("contacts", {"OUTBOX_RELAY_BURST": "lots"})
    with pytest.raises(ValueError, match="OUTBOX_RELAY_PAUSE a number of seconds"):
        relay_bound("contacts_worker", {"OUTBOX_RELAY_PAUSE": "soon"})


def test_a_bounded_round_stops_after_burst_full_batches_and_leaves_the_rest_for_later():
    relay = FakeRelay(backlog=5000)
    outbox = outbox_with(relay, burst=5)
    assert outbox.relay_round() is True  # bounded: the loop pauses before the next round
    assert relay.calls == 5 and relay.backlog == 4000  # nothing dropped: left for the next round
    rounds = 1
    while outbox.relay_round():
        rounds += 1
    assert relay.backlog == 0 and rounds == 5


def test_an_ordinary_change_never_meets_the_bound_and_a_worker_drains_everything_at_once():
    small = FakeRelay(backlog=3)
    assert outbox_with(small, burst=5).relay_round() is False and small.backlog == 0
    worker = FakeRelay(backlog=5000)
    assert outbox_with(worker, burst=0).relay_round() is False and worker.backlog == 0
    assert worker.calls == 26  # 25 full batches and the empty one that ends the round
