"""Time-ordered ids for rows written in bulk (RFC 9562 UUID version 7).

A random UUID (version 4) as a primary key puts each new row on a random page of the key's index: a
bulk insert into a large table then touches a page that is not in the cache, and writes it whole to the
WAL after a checkpoint, for every row. A version-7 UUID starts with the time in milliseconds, so rows
written together share index pages at the right edge. The rest is random (74 bits), so the ids are
still unguessable; they tell when a row was made, which Piiri shows anyway (created_at).
"""

import os
import time
import uuid


def uuid7(now_ms: int | None = None) -> uuid.UUID:
    """A new UUID version 7: 48 bits of Unix time in ms, version, 74 random bits, variant."""
    millis = int(time.time() * 1000) if now_ms is None else now_ms
    value = (millis & 0xFFFF_FFFF_FFFF) << 80 | int.from_bytes(os.urandom(10), "big")
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # variant 10
    return uuid.UUID(int=value)
