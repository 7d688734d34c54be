"""S2: the hash chain's canonical content and hashing, and verify.py's walk over in-memory rows."""

import hashlib
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from services.audit.chain import (
    GENESIS,
    canonical_json,
    chain_hash,
    chain_hash_of_json,
    content_of,
    content_template,
    recorded_at_filler,
    row_hash,
)
from services.audit.verify import Report, format_report, walk


def a_row(number, **changes):
    row = {
        "seq": number * 10,  # the row id: not part of the content
        "event_id": uuid.UUID(int=number),
        "occurred_at": datetime(2026, 3, 5, 12, 0, tzinfo=UTC) + timedelta(seconds=number),
        "recorded_at": datetime(2026, 3, 5, 14, 0, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
        + timedelta(seconds=number),
        "service": "contacts",
        "action": "contact.viewed",
        "actor_id": "u-1",
        "actor_username": "anna",
        "actor_kind": "user",
        "request_id": f"req-{number}",
        "subject_type": "contact",
        "subject_ids": [f"c-{number}"],
        "fields": ["email", "first_name"],
        "details": {"query": "Äijälä", "returned": number},
        "schema_version": 1,
    }
    row.update(changes)
    return row


def a_chain(count):
    rows, prev = [], GENESIS
    for number in range(1, count + 1):
        row = a_row(number, chain_seq=number, prev_hash=prev)
        row["hash"] = row_hash(row)
        prev = row["hash"]
        rows.append(row)
    return rows


def finder(rows):
    by_hash = {row["hash"]: row["chain_seq"] for row in rows}
    return by_hash.get


def verified(rows, head="end", checkpoint=None, batch=3):
    """Walk ``rows`` in batches; the head defaults to what the rows end with."""
    if head == "end":
        head = (rows[-1]["chain_seq"], rows[-1]["hash"]) if rows else None
    batches = [rows[i : i + batch] for i in range(0, len(rows), batch)]
    return walk(batches, finder(rows), head, checkpoint)


def kinds(report):
    return [(finding.kind, finding.seq) for finding in report.findings]


def test_s2_canonical_json_sorts_keys_without_whitespace_in_utf8_and_utc():
    content = content_of(a_row(1))
    text = canonical_json(content)
    assert text.startswith(b'{"action":"contact.viewed","actor_id":"u-1"')
    assert b" " not in text.replace(b"contact.viewed", b"")
    assert "Äijälä".encode() in canonical_json(a_row(1)["details"])  # UTF-8, not \\u escapes
    assert "Äijälä".encode() not in text and b'"details_digest":"' in text  # details enter as a digest (G4)
    assert b'"recorded_at":"2026-03-05T12:00:01.123456+00:00"' in text  # +02:00 -> UTC
    assert b'"event_id":"00000000-0000-0000-0000-000000000001"' in text
    assert "seq" not in content and "chain_seq" not in content and "hash" not in content


def test_s2_the_hash_is_sha256_of_the_previous_hash_and_the_canonical_content():
    content = content_of(a_row(1))
    expected = hashlib.sha256(GENESIS.encode() + canonical_json(content)).hexdigest()
    assert chain_hash(GENESIS, content) == expected
    assert chain_hash("1" * 64, content) != expected  # the link is part of the hash


def test_s2_a_naive_timestamp_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        content_of(a_row(1, occurred_at=datetime(2026, 1, 1)))


def test_s2_an_intact_chain_verifies():
    rows = a_chain(10)
    report = verified(rows)
    assert report.intact and report.problems == 0 and report.findings == []
    assert (report.records, report.last_seq, report.last_hash) == (10, 10, rows[-1]["hash"])
    assert format_report(report)[0].startswith("audit chain intact: 10 records (#1–#10)")


def test_s2_an_empty_log_verifies():
    report = verified([], head=None)
    assert report.intact and report.records == 0 and report.last_hash == GENESIS
    assert format_report(report) == ["audit chain intact: the log is empty, checked in 0.0 s"]


def test_s2_an_altered_record_is_reported_as_altered_only():
    rows = a_chain(10)
    rows[4]["actor_username"] = "someone-else"
    report = verified(rows)
    assert kinds(report) == [("altered", 5)]
    assert not report.intact


@pytest.mark.parametrize("column", ["details", "fields", "occurred_at", "prev_hash", "hash"])
def test_s2_a_change_to_any_hashed_column_is_reported(column):
    rows = a_chain(6)
    rows[2][column] = {
        "details": {"query": "x"},
        "fields": ["email"],
        "occurred_at": datetime(2020, 1, 1, tzinfo=UTC),
        "prev_hash": "f" * 64,
        "hash": "e" * 64,
    }[column]
    report = verified(rows)
    assert ("altered", 3) in kinds(report)
    assert {kind for kind, _ in kinds(report)} <= {"altered", "removed"}  # a new hash breaks #4's link


def test_s2_a_removed_record_is_a_gap():
    rows = a_chain(10)
    del rows[3:5]
    assert kinds(verified(rows)) == [("removed", 4)]
    assert "#4–#5 missing" in verified(rows).findings[0].message


def test_s2_a_removed_record_with_the_rest_renumbered_is_a_broken_link():
    rows = a_chain(10)
    del rows[3]
    for row in rows[3:]:
        row["chain_seq"] -= 1
    report = verified(rows)
    assert kinds(report) == [("removed", 4)]
    assert "no longer in the log" in report.findings[0].message


def test_s2_a_removed_first_record_is_reported():
    rows = a_chain(5)[1:]
    assert kinds(verified(rows)) == [("removed", 1)]


def test_s2_reordered_records_are_reported_as_reordered():
    rows = a_chain(10)
    rows[3]["chain_seq"], rows[4]["chain_seq"] = 5, 4
    rows.sort(key=lambda row: row["chain_seq"])
    report = verified(rows)
    assert {kind for kind, _ in kinds(report)} == {"reordered"}
    assert [seq for _, seq in kinds(report)] == [4, 5, 6]
    assert "#4 follows #5" in report.findings[0].message


def test_s2_a_truncated_tail_is_reported_against_the_head():
    rows = a_chain(10)
    head = (10, rows[-1]["hash"])
    report = verified(rows[:7], head=head)
    assert kinds(report) == [("truncated", 8)]
    assert "#8–#10 were removed from its end" in report.findings[0].message


def test_s2_a_truncated_tail_with_a_rewound_head_is_reported_against_the_checkpoint():
    rows = a_chain(10)
    checkpoint = {"last_seq": 9, "last_hash": rows[8]["hash"], "verified_at": "2026-03-05"}
    report = verified(rows[:7], checkpoint=checkpoint)
    assert kinds(report) == [("truncated", 8)]
    assert "the check at 2026-03-05 vouches for #9" in report.findings[0].message


def test_s2_history_rewritten_before_a_checkpoint_is_reported():
    rows = a_chain(6)
    checkpoint = {"last_seq": 4, "last_hash": rows[3]["hash"], "verified_at": "yesterday"}
    rewritten, prev = [], GENESIS
    for row in rows:  # a consistent rewrite of the whole chain with one record changed
        row = dict(row, prev_hash=prev, action="contact.listed" if row["chain_seq"] == 2 else row["action"])
        row["hash"] = row_hash(row)
        prev = row["hash"]
        rewritten.append(row)
    report = verified(rewritten, checkpoint=checkpoint)
    assert kinds(report) == [("checkpoint", 4)]


def test_s2_a_missing_head_and_records_beyond_the_head_are_reported():
    rows = a_chain(5)
    assert kinds(verified(rows, head=None)) == [("checkpoint", 5)]
    assert kinds(verified(rows, head=(3, rows[2]["hash"]))) == [("checkpoint", 4)]
    assert kinds(verified(rows, head=(5, "0" * 64))) == [("checkpoint", 5)]


def test_s2_findings_are_capped_but_every_problem_is_counted():
    rows = a_chain(150)
    for row in rows:
        row["action"] = "changed"
    report = verified(rows)
    assert report.problems == 150 and len(report.findings) == 100
    lines = format_report(report)
    assert lines[0].startswith("audit chain NOT intact: 150 problem(s) in 150 records")
    assert lines[-1] == "  … and 50 more"


def test_s2_a_report_serialises_for_the_rpc():
    data = Report(records=3, last_seq=3, last_hash="a" * 64, head_seq=3).as_dict()
    assert data["intact"] is True and data["findings"] == [] and data["head_seq"] == 3


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {
            "fields": ["recorded_at", "piiri-recorded-at-slot"],
            "action": '"recorded_at":"piiri-recorded-at-slot"',
        },
        {"details": {"recorded_at": "piiri-recorded-at-slot"}, "subject_ids": []},
        {"details_digest": "ab" * 32, "request_id": None},
        {"details_salt": "suola", "details": {"nested": {"b": [1, None], "a": "Å"}}},
    ],
)
def test_issue18_the_content_rendered_before_the_lock_hashes_as_the_content_itself(changes):
    row = a_row(7, **changes)
    recorded_at = datetime(2026, 12, 6, 16, 30, 1, 2, tzinfo=UTC)
    template = content_template(row)
    expected = canonical_json(content_of({**row, "recorded_at": recorded_at}))
    assert recorded_at_filler(recorded_at)(template) == expected
    assert content_template(row, canonical_json(row["details"])) == template  # details rendered once
    assert chain_hash_of_json(GENESIS, expected) == chain_hash(
        GENESIS, content_of({**row, "recorded_at": recorded_at})
    )
