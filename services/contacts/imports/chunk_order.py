"""The order in which the chunks of one import commit: chunk n waits until chunk n - 1 is committed, so
that a later row sees the contacts an earlier chunk created.

The database is the truth (``storage.chunk_committed``); this module only saves the polling. A chunk
committed by this process wakes a waiter of this process at once (``committed``); a waiter re-reads the
database every ``RECHECK`` seconds all the same, for a chunk committed by another contacts service
process. Polling every 10 ms instead cost ~7 % of the contacts service's CPU during an import.
"""

import time

import eventlet
from eventlet.event import Event

from piiri.errors import Conflict

RECHECK = 0.25  # seconds between database reads while a chunk waits
_waiting = {}  # (import id, chunk number) -> Event of the waiter of chunk number + 1


def committed(import_id, chunk_no):
    """Chunk ``chunk_no`` of the import is committed: wake the chunk that waits for it, if any here."""
    event = _waiting.pop((import_id, chunk_no), None)
    if event is not None and not event.ready():
        event.send(True)


def wait_for_previous(import_id, chunk_no, is_committed, timeout):
    """Return once chunk ``chunk_no - 1`` is committed (``is_committed(n)`` reads the database), or
    raise Conflict after ``timeout`` seconds. Chunk 1 (and 0) wait for nothing."""
    if chunk_no <= 1:
        return
    key = (import_id, chunk_no - 1)
    deadline = time.monotonic() + timeout
    try:
        while True:
            event = _waiting.setdefault(key, Event())  # registered before the read: no wake-up is lost
            if is_committed(chunk_no - 1):
                return
            left = deadline - time.monotonic()
            if left <= 0:
                raise Conflict(
                    "contact.import_chunk_waits",
                    {"chunk_no": chunk_no},
                    params={"done": chunk_no - 1, "next": chunk_no},
                )
            with eventlet.Timeout(min(RECHECK, left), False):
                event.wait()
    finally:
        _waiting.pop(key, None)  # one waiter per chunk; a second (a redelivered call) falls back to reading
