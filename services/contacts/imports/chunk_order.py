"""The order in which the chunks of one import commit: a chunk waits until the chunks it depends on are
committed, so that a later row sees the contacts an earlier chunk created or changed.

By default chunk n waits for chunk n - 1. The imports worker knows more (issue 17): a chunk that shares
no duplicate-match key and no matched contact with the chunks before it cannot be affected by their
commit, and is sent with ``after``, the highest earlier chunk it shares one with (0: none); it waits
until every chunk up to that one is committed, so independent chunks commit at once, in parallel
transactions on separate connections.

The database is the truth (the ``is_committed`` callback reads it); this module only saves the polling.
A chunk committed by this process wakes the waiters of this process that it may let go (``committed``);
a waiter re-reads the database every ``RECHECK`` seconds all the same, for a chunk committed by another
contacts service process. Polling every 10 ms instead cost ~7 % of the contacts service's CPU during an
import.
"""

import time

import eventlet
from eventlet.event import Event

from piiri.errors import Conflict

RECHECK = 0.25  # seconds between database reads while a chunk waits
_waiting = {}  # (import id, chunk number waited for) -> Event of its waiter


def committed(import_id, chunk_no):
    """Chunk ``chunk_no`` of the import is committed: wake the chunks here that wait for it or for a
    later one (they read the database again)."""
    for key in [key for key in _waiting if key[0] == import_id and key[1] >= chunk_no]:
        event = _waiting.pop(key, None)
        if event is not None and not event.ready():
            event.send(True)


def wait_for_previous(import_id, chunk_no, is_committed, timeout, after=None):
    """Return once chunk ``after`` (by default ``chunk_no - 1``) is committed as ``is_committed(after)``
    reads the database, or raise Conflict after ``timeout`` seconds. A chunk with nothing before it to
    wait for (``after`` below 1) returns at once."""
    after = chunk_no - 1 if after is None else min(int(after), chunk_no - 1)
    if after < 1:
        return
    key = (import_id, after)
    deadline = time.monotonic() + timeout
    try:
        while True:
            event = _waiting.setdefault(key, Event())  # registered before the read: no wake-up is lost
            if is_committed(after):
                return
            left = deadline - time.monotonic()
            if left <= 0:
                raise Conflict(
                    "contact.import_chunk_waits",
                    {"chunk_no": chunk_no},
                    params={"done": after, "next": chunk_no},
                )
            with eventlet.Timeout(min(RECHECK, left), False):
                event.wait()
    finally:
        _waiting.pop(key, None)  # one waiter per key; a second (a redelivered call) falls back to reading
