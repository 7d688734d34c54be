"""piiri.ids.uuid7: time-ordered, well-formed, unguessable (I1 bulk inserts)."""

import uuid

from piiri.ids import uuid7


def test_uuid7_is_a_version_7_rfc_uuid_with_the_time_first():
    made = uuid7(now_ms=1_764_000_000_123)
    assert made.version == 7 and made.variant == uuid.RFC_4122
    assert made.int >> 80 == 1_764_000_000_123


def test_uuid7_sorts_by_time_and_differs_within_a_millisecond():
    earlier, later = uuid7(now_ms=1000), uuid7(now_ms=1001)
    assert str(earlier) < str(later)
    same_ms = {uuid7(now_ms=5000) for _ in range(1000)}
    assert len(same_ms) == 1000
