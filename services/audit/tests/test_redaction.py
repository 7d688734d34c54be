"""G4 unit tests of the audit log's redaction: which details keys go, and that a redacted record keeps
the chain verifiable (the digest kept on the row) while a tampered one still fails (S2)."""

from datetime import UTC, datetime

from services.audit.chain import GENESIS, details_digest, row_hash
from services.audit.redaction import redacted


def a_row(details, salt="s41t"):
    row = {
        "event_id": "00000000-0000-0000-0000-000000000001",
        "occurred_at": datetime(2026, 11, 25, 12, 0, tzinfo=UTC),
        "recorded_at": datetime(2026, 11, 25, 12, 0, 1, tzinfo=UTC),
        "service": "contacts",
        "action": "contact.listed",
        "actor_id": "u-1",
        "actor_username": "anna",
        "actor_kind": "user",
        "request_id": "r-1",
        "subject_type": "contact",
        "subject_ids": ["c-1", "c-2"],
        "fields": ["email"],
        "details": details,
        "schema_version": 1,
        "details_salt": salt,
        "details_digest": None,
        "prev_hash": GENESIS,
    }
    row["hash"] = row_hash(row)
    return row


def test_g4_personal_keys_are_removed_and_facts_kept():
    details = {"query": "Jäppinen", "filters": {"custom_text": "x"}, "display_name": "Åke", "returned": 2}
    assert redacted(details) == {"returned": 2, "redacted": ["display_name", "filters", "query"]}
    assert redacted({"erasure_id": "e", "services": ["audit"]}) is None  # nothing personal: untouched
    assert redacted({}) is None
    twice = redacted({**redacted(details), "name": "x"})
    assert twice["redacted"] == ["display_name", "filters", "name", "query"]


def test_g4_a_redacted_record_still_verifies_and_its_values_are_gone():
    row = a_row({"query": "Jäppinen", "returned": 2})
    digest = details_digest(row["details_salt"], row["details"])
    after = {**row, "details": redacted(row["details"]), "details_salt": None, "details_digest": digest}
    assert row_hash(after) == row["hash"]
    assert "Jäppinen" not in repr(after)


def test_g4_the_salt_matters_and_tampering_still_shows():
    row = a_row({"query": "Jäppinen"})
    assert details_digest("other", row["details"]) != details_digest(row["details_salt"], row["details"])
    tampered = {**row, "details": {"query": "Virtanen"}}
    assert row_hash(tampered) != row["hash"]
    wrong_digest = {
        **row,
        "details": {"redacted": ["query"]},
        "details_salt": None,
        "details_digest": "0" * 64,
    }
    assert row_hash(wrong_digest) != row["hash"]


def test_g4_records_older_than_salts_hash_with_an_empty_salt():
    row = a_row({"query": "x"}, salt=None)
    assert row_hash({**row, "details_salt": ""}) == row["hash"]
