"""I1: chunks of one import commit in order; a waiting chunk is woken by the commit of the one before it
in this process, and re-reads the database for one committed elsewhere (chunk_order.py)."""

import eventlet
import pytest

from piiri.errors import Conflict
from services.contacts.imports import chunk_order
from services.contacts.imports.rpc import _row_errors


class Database:
    """The committed chunk numbers, and every read of them."""

    def __init__(self):
        self.committed, self.reads = set(), []

    def is_committed(self, number):
        self.reads.append(number)
        return number in self.committed


def test_i1_a_chunk_committed_here_wakes_the_next_one_without_polling(monkeypatch):
    monkeypatch.setattr(chunk_order, "RECHECK", 60)  # only the wake-up can end the wait in time
    db = Database()
    waiter = eventlet.spawn(chunk_order.wait_for_previous, "imp", 3, db.is_committed, 30)
    eventlet.sleep(0.01)
    assert not waiter.dead and db.reads == [2]
    db.committed.add(2)
    chunk_order.committed("imp", 2)
    with eventlet.Timeout(5):
        waiter.wait()
    assert db.reads == [2, 2]  # one read before, one after the wake-up: no 10 ms polling
    assert chunk_order._waiting == {}


def test_i1_a_chunk_committed_by_another_process_is_found_by_rereading(monkeypatch):
    monkeypatch.setattr(chunk_order, "RECHECK", 0.02)
    db = Database()
    waiter = eventlet.spawn(chunk_order.wait_for_previous, "imp", 5, db.is_committed, 30)
    eventlet.sleep(0.05)
    db.committed.add(4)  # no committed() call: another process wrote it
    waiter.wait()
    assert db.reads[-1] == 4 and len(db.reads) >= 2
    assert chunk_order._waiting == {}


def test_i1_the_first_chunk_waits_for_nothing_and_a_missing_one_times_out(monkeypatch):
    db = Database()
    chunk_order.wait_for_previous("imp", 1, db.is_committed, 30)
    assert db.reads == []
    monkeypatch.setattr(chunk_order, "RECHECK", 0.01)
    with pytest.raises(Conflict, match="contact.import_chunk_waits") as waited:
        chunk_order.wait_for_previous("imp", 7, db.is_committed, 0.05)
    assert waited.value.params == {"done": 6, "next": 7}
    assert chunk_order._waiting == {}


def test_i1_a_chunk_committed_before_the_next_one_waits_is_found_by_the_first_read(monkeypatch):
    monkeypatch.setattr(chunk_order, "RECHECK", 60)  # a lost wake-up would show as a 60 s wait
    db = Database()
    db.committed.add(9)
    chunk_order.committed("imp", 9)  # nobody waits yet: nothing is left behind for later
    assert chunk_order._waiting == {}
    with eventlet.Timeout(5):
        chunk_order.wait_for_previous("imp", 10, db.is_committed, 30)
    assert db.reads == [9] and chunk_order._waiting == {}


def test_i1_row_envelope_plain_check_agrees_with_the_schema():
    plain = {"row": 4, "values": {"first_name": "Aino"}}
    assert _row_errors(plain) == {}
    assert _row_errors("x") == {"_schema": ["contact.not_object"]}
    assert _row_errors({"row": "4", "values": {}}) == {}  # the schema's Integer takes "4"
    assert "row" in _row_errors({"values": {}})
    assert "values" in _row_errors({"row": 1, "values": "x"})
    assert "extra" in _row_errors({"row": 1, "values": {}, "extra": 1})


def test_issue17_a_chunk_waits_only_for_the_chunks_up_to_after(monkeypatch):
    monkeypatch.setattr(chunk_order, "RECHECK", 60)  # only the wake-up can end the wait in time
    db = Database()
    chunk_order.wait_for_previous("imp", 9, db.is_committed, 30, after=0)  # depends on no chunk
    assert db.reads == []
    waiter = eventlet.spawn(chunk_order.wait_for_previous, "imp", 9, db.is_committed, 30, 4)
    eventlet.sleep(0.01)
    assert not waiter.dead and db.reads == [4]
    chunk_order.committed("imp", 7)  # a later chunk: cannot let chunk 9 go
    eventlet.sleep(0.01)
    assert not waiter.dead and db.reads == [4]
    db.committed.add(4)
    chunk_order.committed("imp", 3)  # an earlier one may complete 1..4: read again
    with eventlet.Timeout(5):
        waiter.wait()
    assert db.reads == [4, 4] and chunk_order._waiting == {}
