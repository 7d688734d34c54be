"""Issue 12 item 2: the gateway's CPU-heavy work (argon2 password hashing and checking) runs in eventlet's
thread pool, so other requests' greenlets keep running meanwhile (the access report's PDF: the contacts
service, services/contacts/tests/test_access_report_off_loop.py)."""

import eventlet
from argon2 import PasswordHasher

from gateway import users

REAL_THREADING = eventlet.patcher.original("threading")
PASSWORD = "pitkä ja hyvä salasana"


def ticks_during(work):
    """How many times another greenlet ran (1 ms sleeps) while ``work()`` ran in this one."""
    ticks = [0]
    running = [True]

    def ticker():
        while running[0]:
            ticks[0] += 1
            eventlet.sleep(0.001)

    thread = eventlet.spawn(ticker)
    eventlet.sleep(0)
    try:
        result = work()
    finally:
        running[0] = False
        thread.wait()
    return ticks[0], result


def test_issue12_item2_argon2_runs_in_a_thread_and_other_greenlets_run_meanwhile(monkeypatch):
    threads = []
    original = PasswordHasher.verify

    def spy(self, hash, password):  # noqa: A002
        threads.append(REAL_THREADING.get_ident())
        return original(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", spy)
    assert isinstance(users.HASHER, users.OffLoopHasher)
    hasher = users.OffLoopHasher()  # production's parameters (the tests' HASHER is cheaper: conftest.py)
    stored = hasher.hash(PASSWORD)
    ticks, verified = ticks_during(lambda: [hasher.verify(stored, PASSWORD) for _ in range(3)])
    assert verified == [True, True, True]
    assert threads and all(ident != REAL_THREADING.get_ident() for ident in threads)
    assert ticks >= 3, ticks  # in the request greenlet the ticker would not have run at all
