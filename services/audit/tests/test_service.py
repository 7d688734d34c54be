"""The audit service's entrypoints with mocked dependencies (nameko ``worker_factory``): no broker, no DB."""

import uuid
from unittest.mock import patch

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy.exc import DataError, OperationalError

from piiri.audit import audit_record
from piiri.context import Actor
from piiri.dead_letters import Unprocessable
from piiri.errors import PermissionDenied, ValidationFailed
from services.audit import service as audit_service
from services.audit.service import AuditService

VIEWER = Actor(id="u-1", username="anna", permissions=("audit.view",))


def a_record():
    return audit_record("contacts", "contact.viewed", VIEWER, "req-1", "contact", [uuid.uuid4()])


@pytest.fixture
def worker():
    worker = worker_factory(AuditService)
    worker.context.require.return_value = VIEWER
    worker.context.request_id = "req-9"
    return worker


@pytest.fixture
def storage():
    with patch.object(audit_service, "storage") as storage:
        storage.insert_event.return_value = True
        yield storage


def test_a_record_is_stored_in_a_transaction(worker, storage):
    record = a_record()
    assert worker.store_record(record) is True
    session = worker.db.transaction.return_value.__enter__.return_value
    stored = storage.insert_event.call_args.args
    assert stored[0] is session
    assert stored[1]["event_id"] == uuid.UUID(record["event_id"])


@pytest.mark.parametrize(
    "body", [["not", "a", "record"], {"action": "contact.viewed"}, {"event_id": "x"}, None]
)
def test_issue_11_a_malformed_record_goes_to_the_dead_letters_not_stored(worker, storage, body, caplog):
    with pytest.raises(Unprocessable):  # the container dead-letters it at once, with this error
        worker.store_record(body)
    storage.insert_event.assert_not_called()
    assert "malformed" in caplog.text


def test_a_database_failure_is_raised_so_the_container_retries_it(worker, storage):
    storage.insert_event.side_effect = OperationalError("INSERT", {}, Exception("connection refused"))
    with pytest.raises(OperationalError):  # not Unprocessable: retried with pauses (piiri/container.py)
        worker.store_record(a_record())


def test_issue_11_a_record_the_database_cannot_hold_is_dead_lettered_never_dropped(worker, storage, caplog):
    """Issue 11 item 6: this test used to lock in the drop of an unstorable record."""
    storage.insert_event.side_effect = DataError("INSERT", {}, Exception("invalid input"))
    with pytest.raises(Unprocessable, match="cannot store"):
        worker.store_record(a_record())
    assert "unstorable" in caplog.text


def test_the_consumer_requeues_on_error():
    consumer = next(ep for ep in AuditService.store_record.nameko_entrypoints)
    assert consumer.queue.name == "piiri.audit.records"
    assert consumer.requeue_on_error is True


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
