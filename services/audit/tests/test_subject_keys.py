"""The 64-bit keys of subject ids (subject_keys.py) that the audit log's GIN index holds."""

import hashlib
import uuid

import pytest

from services.audit.subject_keys import key_of, keys_of

IDS = [str(uuid.uuid4()) for _ in range(25)]


def test_issue12_a_canonical_uuid_s_key_is_its_last_64_bits_signed():
    assert key_of("00000000-0000-4000-8000-000000000001") == -(2**63) + 1
    assert key_of("ffffffff-ffff-4fff-bfff-7fffffffffff") == int("bfff7fffffffffff", 16) - 2**64
    assert key_of("12345678-9abc-4def-8123-456789abcdef") == int("8123456789abcdef", 16) - 2**64


def test_issue12_any_other_id_s_key_is_the_head_of_its_sha256():
    for other in ("user:admin", "12345678-9ABC-4DEF-8123-456789ABCDEF", "ä", ""):
        digest = hashlib.sha256(other.encode("utf-8")).digest()[:8]
        assert key_of(other) == int.from_bytes(digest, "big", signed=True), other


@pytest.mark.parametrize(
    "ids",
    [IDS, IDS[:1], [], [*IDS[:3], "user:admin", IDS[3]], ["user:admin"], [IDS[0].upper()], [IDS[0] + "\n"]],
    ids=["25 UUIDs", "one UUID", "none", "UUIDs and another id", "another id", "upper case", "a newline"],
)
def test_issue12_a_record_s_keys_are_each_id_s_key_in_order(ids):
    keys = keys_of(ids)
    assert keys == [key_of(item) for item in ids]
    assert all(-(2**63) <= key < 2**63 for key in keys)
