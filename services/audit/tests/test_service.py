"""The audit service's entrypoints with mocked dependencies (nameko ``worker_factory``): no broker, no DB."""

import uuid
from unittest.mock import Mock, patch

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy.exc import DataError, OperationalError, ProgrammingError

from piiri.audit import audit_record
from piiri.context import Actor
from piiri.dead_letters import Unprocessable
from piiri.errors import PermissionDenied, ValidationFailed
from services.audit import service as audit_service
from services.audit.batching import BatchConsume
from services.audit.service import AuditService

VIEWER = Actor(id="u-1", username="anna", permissions=("audit.view",))


def a_record():
    return audit_record("contacts", "contact.viewed", VIEWER, "req-1", "contact", [uuid.uuid4()])


@pytest.fixture
def worker():
    worker = worker_factory(AuditService, config={"AUDIT_MERGE_EVERY": 1})
    worker.context.require.return_value = VIEWER
    worker.context.request_id = "req-9"
    return worker


@pytest.fixture
def storage():
    real = audit_service.storage
    with patch.object(audit_service, "storage", wraps=real) as storage:
        storage.insert_event = Mock(return_value=True)
        storage.insert_rows = Mock(side_effect=lambda session, rows, times=None: [True] * len(rows))
        storage.merge_subject_index = Mock(return_value=True)
        storage.UnstorableRecord = real.UnstorableRecord
        yield storage


def test_issue_18_a_batch_of_records_is_stored_in_one_transaction(worker, storage):
    records = [a_record() for _ in range(3)]
    assert worker.store_records(records) == [True, True, True]
    session = worker.db.transaction.return_value.__enter__.return_value
    storage.insert_rows.assert_called_once()
    stored = storage.insert_rows.call_args.args
    assert stored[0] is session
    assert [row["event_id"] for row in stored[1]] == [uuid.UUID(record["event_id"]) for record in records]


@pytest.mark.parametrize(
    "body", [["not", "a", "record"], {"action": "contact.viewed"}, {"event_id": "x"}, None]
)
def test_issue_11_a_malformed_record_goes_to_the_dead_letters_not_stored(worker, storage, body, caplog):
    good = a_record()
    [bad, stored] = worker.store_records([body, good])  # the entrypoint dead-letters it at once
    assert isinstance(bad, Unprocessable) and stored is True
    [rows] = [call.args[1] for call in storage.insert_rows.call_args_list]
    assert [row["event_id"] for row in rows] == [uuid.UUID(good["event_id"])]
    assert "malformed" in caplog.text


def test_issue_18_a_record_jsonb_cannot_hold_is_dead_lettered_before_the_batch(worker, storage, caplog):
    good, bad = a_record(), a_record()
    bad["details"] = {"query": "\ud800"}  # a lone surrogate: not UTF-8
    outcomes = worker.store_records([bad, good])
    assert isinstance(outcomes[0], Unprocessable) and "cannot store" in str(outcomes[0])
    assert outcomes[1] is True
    assert "unstorable" in caplog.text


def test_a_database_failure_is_raised_so_the_entrypoint_retries_the_batch(worker, storage):
    storage.insert_rows.side_effect = OperationalError("INSERT", {}, Exception("connection refused"))
    with pytest.raises(OperationalError):  # not Unprocessable: retried with pauses (batching.py)
        worker.store_records([a_record()])


def test_issue_11_a_record_the_database_cannot_hold_is_dead_lettered_never_dropped(worker, storage, caplog):
    """Issue 11 item 6, issue 18: a batch the database refuses is stored record by record, so only the
    record it cannot hold is dead-lettered."""
    records = [a_record() for _ in range(3)]
    refused = uuid.UUID(records[1]["event_id"])

    def insert_rows(session, rows, times=None):
        if any(row["event_id"] == refused for row in rows):
            raise DataError("INSERT", {}, Exception("invalid input"))
        return [True] * len(rows)

    storage.insert_rows.side_effect = insert_rows
    outcomes = worker.store_records(records)
    assert outcomes[0] is True and outcomes[2] is True
    assert isinstance(outcomes[1], Unprocessable) and "cannot store" in str(outcomes[1])
    assert "unstorable" in caplog.text


def test_issue_12_the_subject_index_is_merged_after_the_batch_is_committed_not_under_its_lock(
    worker, storage
):
    """The GIN index's pending entries are merged in a transaction of their own once the batch is
    stored (outside the head lock), and only when the batch stored something."""
    calls = []
    storage.insert_rows.side_effect = lambda session, rows, times=None: calls.append("insert") or [True]
    storage.merge_subject_index.side_effect = lambda session: calls.append("merge")
    transactions = worker.db.transaction.return_value
    transactions.__exit__.side_effect = lambda *exc: calls.append("commit") and None
    assert worker.store_records([a_record()]) == [True]
    assert calls == ["insert", "commit", "merge", "commit"]

    storage.insert_rows.side_effect = lambda session, rows, times=None: [False] * len(rows)
    storage.merge_subject_index.reset_mock()
    assert worker.store_records([a_record()]) == [False]  # already stored: nothing to merge
    storage.merge_subject_index.assert_not_called()


def test_issue_12_the_subject_index_is_merged_once_every_audit_merge_every_records(storage):
    """A quiet log (a record a batch) does not pay a merge and its commit per record: the process merges
    once it has stored AUDIT_MERGE_EVERY records since it last did."""
    audit_service._MERGE["unmerged"] = 0
    worker = worker_factory(AuditService, config={"AUDIT_MERGE_EVERY": 3})
    for expected in (0, 0, 1, 1, 1, 2):
        assert worker.store_records([a_record()]) == [True]
        assert storage.merge_subject_index.call_count == expected
    assert worker.store_records([a_record() for _ in range(5)]) == [True] * 5
    assert storage.merge_subject_index.call_count == 3


def test_issue_12_a_failed_merge_of_the_subject_index_loses_nothing(worker, storage, caplog, monkeypatch):
    """The records are committed before the merge: its failure is logged, never raised (which would
    retry the batch); a role that may not merge is told once and not asked again."""
    monkeypatch.setitem(audit_service._MERGE, "refused", False)
    storage.merge_subject_index.side_effect = OperationalError("SELECT", {}, Exception("gone"))
    assert worker.store_records([a_record()]) == [True]
    assert "merging the subject index after a batch failed" in caplog.text
    denied = ProgrammingError("SELECT", {}, Exception("must be owner of index audit_events_subject_keys"))
    storage.merge_subject_index.side_effect = denied
    assert worker.store_records([a_record()]) == [True]
    assert worker.store_records([a_record()]) == [True]
    assert storage.merge_subject_index.call_count == 2  # not asked again after the refusal
    assert caplog.text.count("cannot merge the subject index") == 1


def test_the_consumer_takes_the_audit_queue_in_batches():
    [consumer] = AuditService.store_records.nameko_entrypoints
    assert isinstance(consumer, BatchConsume)
    assert consumer.queue.name == "piiri.audit.records"


def test_reading_a_subjects_trail_returns_a_page_and_records_the_read(worker, storage):
    """G2: viewing who touched a contact is itself a read about that person,
    logged in the same transaction."""
    subject = str(uuid.uuid4())
    event = {
        "event_id": uuid.uuid4(),
        "occurred_at": None,
        "service": "contacts",
        "action": "contact.viewed",
        "actor": {"id": "u-2", "username": "bea", "kind": "user"},
        "request_id": "r",
        "subject_type": "contact",
        "subject_ids": [subject],
        "field_names": ["email"],
        "details": {},
    }
    storage.events_for_subject.return_value = ([event], 17)
    page = worker.events_for_subject(subject.upper(), limit="10", cursor="20")

    session = worker.db.transaction.return_value.__enter__.return_value
    storage.events_for_subject.assert_called_once_with(session, subject, 10, 20)
    assert page["next_cursor"] == "17"
    assert page["items"][0]["fields"] == ["email"]
    assert page["items"][0]["event_id"] == str(event["event_id"])
    view = storage.insert_event.call_args.args[1]
    assert storage.insert_event.call_args.args[0] is session
    assert view["action"] == "audit.subject_viewed"
    assert view["service"] == "audit"
    assert view["subject_type"] == "contact"
    assert view["subject_ids"] == [subject]
    assert view["actor"] == {"id": "u-1", "username": "anna", "kind": "user"}
    assert view["request_id"] == "req-9"
    assert view["details"] == {"cursor": "20", "returned": 1}
    worker.context.require.assert_called_once_with("audit.view")


def test_reading_what_a_user_did_is_recorded_too(worker, storage):
    storage.events_by_actor.return_value = ([], None)
    assert worker.events_by_actor("u-2") == {"items": [], "next_cursor": None}
    storage.events_by_actor.assert_called_once()
    assert storage.events_by_actor.call_args.args[1:] == ("u-2", 50, None)
    view = storage.insert_event.call_args.args[1]
    assert (view["action"], view["subject_type"], view["subject_ids"]) == (
        "audit.actor_viewed",
        "user",
        ["u-2"],
    )


@pytest.mark.parametrize("method", ["events_for_subject", "events_by_actor"])
def test_without_audit_view_nothing_is_read(worker, storage, method):
    worker.context.require.side_effect = PermissionDenied("no", {"permission": "audit.view"})
    with pytest.raises(PermissionDenied):
        getattr(worker, method)("u-2")
    storage.events_for_subject.assert_not_called()
    storage.events_by_actor.assert_not_called()
    storage.insert_event.assert_not_called()


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"cursor": "x"}, "cursor"),
        ({"cursor": "-3"}, "cursor"),
    ],
)
def test_bad_paging_is_refused_naming_the_field(worker, storage, kwargs, field):
    with pytest.raises(ValidationFailed) as caught:
        worker.events_for_subject("c-1", **kwargs)
    assert field in caught.value.details
    storage.insert_event.assert_not_called()


def test_ping_checks_the_database(worker, storage):
    storage.ping.return_value = True
    assert worker.ping() is True
    storage.ping.assert_called_once_with(worker.db.session)


def test_g2_a_search_of_the_log_reads_with_parsed_filters_and_records_itself(worker, storage):
    storage.search_events.return_value = ([], None)
    page = worker.search_events({"actor": "anna", "subject_id": "C-1", "service": ""}, limit="5", cursor="9")
    assert page == {"items": [], "next_cursor": None}
    session = worker.db.transaction.return_value.__enter__.return_value
    storage.search_events.assert_called_once_with(session, {"actor": "anna", "subject_id": "C-1"}, 5, 9)
    record = storage.insert_event.call_args.args[1]
    assert (record["action"], record["subject_ids"]) == ("audit.searched", ["C-1"])
    assert record["details"] == {
        "filters": {"actor": "anna", "subject_id": "C-1"},
        "cursor": "9",
        "returned": 0,
    }
    worker.context.require.assert_called_once_with("audit.view")


def test_g2_an_export_page_is_recorded_as_audit_exported(worker, storage):
    storage.search_events.return_value = ([], None)
    worker.export_events({"action": "contact.viewed"})
    assert storage.search_events.call_args.args[2:] == (1000, None)
    record = storage.insert_event.call_args.args[1]
    assert record["action"] == "audit.exported" and record["details"]["filters"] == {
        "action": "contact.viewed"
    }


@pytest.mark.parametrize("method", ["search_events", "export_events", "verify_chain"])
def test_g2_without_audit_view_the_log_is_neither_searched_nor_verified(worker, storage, method):
    worker.context.require.side_effect = PermissionDenied("no", {"permission": "audit.view"})
    with pytest.raises(PermissionDenied):
        getattr(worker, method)()
    storage.search_events.assert_not_called()
    storage.insert_event.assert_not_called()


def test_s2_verifying_the_chain_needs_users_manage_too(worker, storage):
    with pytest.raises(PermissionDenied, match="users.manage"):
        worker.verify_chain()  # VIEWER has audit.view only
    storage.read_head.assert_not_called()
