"""The audit service over the real broker and database: G2 (a log of reads and edits, queryable by person
and by user) and S2 (the log sees changes and views, and cannot be silently altered)."""

import logging
import time
import uuid

import eventlet
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from kombu import Connection, Producer
from nameko.testing.utils import get_container
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from conftest import make_actor
from piiri import dead_letters, signing
from piiri.audit import audit_record
from piiri.errors import NotAuthenticated, PermissionDenied, ValidationFailed
from piiri.messaging import AUDIT_EXCHANGE, context_headers
from services.audit import models, storage
from services.audit.contract import load_record
from services.audit.service import AuditService
from services.contacts.contract import EDITABLE_FIELDS
from services.contacts.registries import CONTACT_DETAILS
from services.contacts.service import ContactsService
from tests.events import signed_audit_publisher


@pytest.fixture
def audit_container(run_services):
    runner = run_services(ContactsService, AuditService)
    return get_container(runner, AuditService)


@pytest.fixture
def publish(config):
    publisher = signed_audit_publisher(config)

    def publish(body, routing_key="test.record"):
        publisher.publish(body, routing_key=routing_key)

    return publish


def wait_for(fetch, done, timeout=5.0):
    """Poll ``fetch()`` until ``done(value)``; the log is written asynchronously."""
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting; last value: {value!r}")
        eventlet.sleep(0.1)


def trail(proxy, subject_id, skip_views=True):
    items = proxy.audit.events_for_subject(subject_id, limit=500)["items"]
    return [item for item in items if not (skip_views and item["action"] == "audit.subject_viewed")]


def stored_count(engines, event_id):
    with engines["audit"].connect() as conn:
        return conn.execute(
            text("SELECT count(*) FROM audit_events WHERE event_id = :id"), {"id": event_id}
        ).scalar_one()


def a_record(actor, subject_ids, action="contact.viewed"):
    return audit_record(
        "contacts", action, actor, str(uuid.uuid4()), "contact", subject_ids, fields=("email",)
    )


def test_g2_creating_viewing_and_updating_a_contact_are_logged_with_actor_and_fields(
    audit_container, rpc, admin_actor
):
    with rpc(admin_actor) as proxy:
        contact = proxy.contacts.create_contact(
            {"first_name": "Aino", "last_name": "Virtanen", "city": "Oulu"}
        )
        proxy.contacts.get_contact(contact["id"])
        proxy.contacts.update_contact(contact["id"], {"city": "Turku"})
        wanted = {"contact.created", "contact.viewed", "contact.updated"}
        items = wait_for(
            lambda: trail(proxy, contact["id"]), lambda items: wanted <= {i["action"] for i in items}
        )

    events = {item["action"]: item for item in items}
    assert len(items) == 3
    for event in events.values():
        assert event["actor"] == {"id": admin_actor.id, "username": "admin-tester", "kind": "user"}
        assert event["service"] == "contacts"
        assert event["subject_ids"] == [contact["id"]]
        assert event["request_id"]
        assert event["occurred_at"].endswith("+00:00")
        uuid.UUID(event["event_id"])
    assert {"first_name", "last_name", "city"} <= set(events["contact.created"]["fields"])
    assert events["contact.viewed"]["fields"] == sorted(EDITABLE_FIELDS + CONTACT_DETAILS.names())
    assert events["contact.updated"]["fields"] == ["addresses", "city"]  # C2: the address list follows


def test_g2_reading_the_trail_is_itself_logged(audit_container, rpc, admin_actor):
    subject = str(uuid.uuid4())
    with rpc(admin_actor) as proxy:
        first = proxy.audit.events_for_subject(subject)
        second = proxy.audit.events_for_subject(subject)
    assert first == {"items": [], "next_cursor": None}
    [view] = second["items"]
    assert view["action"] == "audit.subject_viewed"
    assert view["service"] == "audit"
    assert view["subject_ids"] == [subject]
    assert view["actor"]["id"] == admin_actor.id
    assert view["details"] == {"cursor": None, "returned": 0}


def test_g2_the_same_record_published_twice_is_stored_once(audit_container, publish, engines, admin_actor):
    record = a_record(admin_actor, [str(uuid.uuid4())])
    publish(record)
    publish(record)  # the same batch or the next: either way one insert, one duplicate ignored
    after = a_record(admin_actor, [str(uuid.uuid4())])
    publish(after)
    wait_for(lambda: stored_count(engines, after["event_id"]), lambda count: count == 1)
    assert stored_count(engines, record["event_id"]) == 1


def test_g2_issue_11_malformed_messages_are_dead_lettered_without_blocking_the_next_good_one(
    audit_container, config, publish, engines, rpc, admin_actor
):
    """Issue 11 item 6: nothing is dropped; what cannot be stored waits in piiri.dead_letters.audit."""
    good = a_record(admin_actor, [str(uuid.uuid4())])
    malformed = [["not", "a", "record"], {"action": "contact.viewed"}, {"event_id": "nope", "action": "x"}]
    with Connection(config["AMQP_URI"]) as conn:  # bodies that are not even JSON
        producer = Producer(conn.channel(), exchange=AUDIT_EXCHANGE)
        headers = context_headers({}, signing.context_keys(config))
        producer.publish(
            "plain text",
            routing_key="junk",
            content_type="text/plain",
            content_encoding="utf-8",
            headers=headers,
        )
        producer.publish(
            "{not json",
            routing_key="junk",
            content_type="application/json",
            content_encoding="utf-8",
            headers=headers,
        )
    for body in malformed:
        publish(body)
    publish(good)

    wait_for(lambda: stored_count(engines, good["event_id"]), lambda count: count == 1)
    letters = wait_for(
        lambda: dead_letters.list_letters(config["AMQP_URI"], "piiri.audit.records"),
        lambda found: len(found) == len(malformed) + 2,
    )
    assert {letter["dead_letter_queue"] for letter in letters} == {"piiri.dead_letters.audit"}
    assert sum("cannot decode" in letter["error"] for letter in letters) == 2
    assert sum("not an audit record" in letter["error"] for letter in letters) == 3
    with rpc(admin_actor) as proxy:
        [event] = trail(proxy, good["subject_ids"][0])
    assert event["event_id"] == good["event_id"]


def test_g2_a_record_that_meets_a_database_failure_is_retried_not_lost(
    audit_container, publish, engines, admin_actor, caplog
):
    record = a_record(admin_actor, [str(uuid.uuid4())])
    with engines["audit"].begin() as conn:
        conn.execute(text("ALTER TABLE audit_events RENAME TO audit_events_away"))
    try:
        with caplog.at_level(logging.WARNING, logger="services.audit.batching"):
            publish(record)
            wait_for(lambda: caplog.text, lambda logged: "retrying 1 messages" in logged)
    finally:
        with engines["audit"].begin() as conn:
            conn.execute(text("ALTER TABLE audit_events_away RENAME TO audit_events"))
    wait_for(lambda: stored_count(engines, record["event_id"]), lambda count: count == 1)
    assert dead_letters.list_letters(audit_container.config["AMQP_URI"], "piiri.audit.records") == []


def test_g2_events_by_actor_pages_newest_first(audit_container, publish, engines, rpc, admin_actor):
    doer = make_actor("doer", permissions=("contacts.view",))
    records = [a_record(doer, [str(uuid.uuid4())]) for _ in range(5)]
    for record in records:  # one at a time, so the order of arrival is known
        publish(record)
        wait_for(lambda record=record: stored_count(engines, record["event_id"]), lambda count: count == 1)

    with rpc(admin_actor) as proxy:
        pages, cursor = [], None
        while True:
            page = proxy.audit.events_by_actor(doer.id, limit=2, cursor=cursor)
            pages.append([item["event_id"] for item in page["items"]])
            cursor = page["next_cursor"]
            if cursor is None:
                break
        views = proxy.audit.events_by_actor(admin_actor.id)["items"]

    newest_first = [record["event_id"] for record in reversed(records)]
    assert pages == [newest_first[0:2], newest_first[2:4], newest_first[4:5]]
    assert {view["action"] for view in views} == {"audit.actor_viewed"}
    assert all(view["subject_ids"] == [doer.id] and view["subject_type"] == "user" for view in views)
    assert len(views) == 3


def test_g2_the_log_is_only_for_those_with_audit_view(audit_container, rpc, admin_actor):
    clerk = make_actor("clerk", permissions=("contacts.view", "contacts.edit"))
    with rpc(clerk) as proxy:
        for call in (proxy.audit.events_for_subject, proxy.audit.events_by_actor):
            with pytest.raises(PermissionDenied):
                call(admin_actor.id)
    with rpc() as proxy:
        with pytest.raises(NotAuthenticated):
            proxy.audit.events_for_subject(admin_actor.id)
    with rpc(admin_actor) as proxy:
        assert proxy.audit.events_by_actor(clerk.id)["items"] == []  # refused reads logged nothing


def test_bad_paging_input_is_refused_naming_the_field(audit_container, rpc, admin_actor):
    with rpc(admin_actor) as proxy:
        assert proxy.audit.ping() is True
        for kwargs, field in [
            ({"limit": 0}, "limit"),
            ({"limit": 501}, "limit"),
            ({"cursor": "abc"}, "cursor"),
        ]:
            with pytest.raises(ValidationFailed) as caught:
                proxy.audit.events_for_subject("someone", **kwargs)
            assert field in caught.value.details
        with pytest.raises(ValidationFailed) as caught:
            proxy.audit.events_by_actor("")
        assert "actor_id" in caught.value.details


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET action = 'contact.nothing'",
        "DELETE FROM audit_events",
        "DELETE FROM audit_events WHERE false",
    ],
)
def test_s2_the_log_cannot_be_updated_or_deleted_from(clean_databases, statement):
    engine = clean_databases["audit"]
    with Session(engine) as session, session.begin():
        storage.insert_event(
            session, load_record({"event_id": str(uuid.uuid4()), "action": "contact.viewed"})
        )
    with pytest.raises(DBAPIError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT action FROM audit_events")).scalars().all() == ["contact.viewed"]


def test_s2_the_migration_creates_exactly_the_models(engines):
    with engines["audit"].connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        assert compare_metadata(context, models.metadata) == []


def test_g2_issue13_5_who_has_seen_a_contact_at_a_glance(audit_container, publish, engines, rpc, admin_actor):
    contact_id = str(uuid.uuid4())
    anna = make_actor("anna", permissions=("contacts.view",))
    olli = make_actor("olli", permissions=("contacts.view", "contacts.edit"))
    records = [
        audit_record("contacts", "contact.viewed", anna, "r1", "contact", [contact_id]),
        # the same page open (request r1) read the change history too: one read, not two
        audit_record("contacts", "contact.changes_viewed", anna, "r1", "contact", [contact_id]),
        audit_record("contacts", "contact.listed", anna, "r2", "contact", [contact_id, str(uuid.uuid4())]),
        audit_record("contacts", "contact.updated", olli, "r3", "contact", [contact_id], fields=["city"]),
        audit_record("contacts", "contact.viewed", olli, "r4", "contact", [contact_id]),
        audit_record("contacts", "contact.viewed", olli, "r5", "contact", [str(uuid.uuid4())]),  # another
    ]
    for record in records:  # one at a time: olli read last
        publish(record)
        wait_for(lambda record=record: stored_count(engines, record["event_id"]), lambda count: count == 1)

    with rpc(admin_actor) as proxy:
        proxy.audit.events_for_subject(contact_id)  # reading the log about them is no read of their data
        seen = proxy.audit.subject_readers(contact_id)
        page = proxy.audit.events_for_subject(contact_id, limit=2, with_readers=True)  # a contact's page
        asked = proxy.audit.events_by_actor(admin_actor.id)["items"]

    assert (seen["total_readers"], seen["total_reads"]) == (2, 3)  # the change is no read
    assert [(r["username"], r["reads"]) for r in seen["readers"]] == [("olli", 1), ("anna", 2)]
    assert all(reader["last_read_at"] for reader in seen["readers"])
    assert page["readers"] == seen and len(page["items"]) == 2  # the trail and the glance in one read
    looked = [event for event in asked if event["action"] == "audit.readers_viewed"]
    assert len(looked) == 1 and looked[0]["subject_ids"] == [contact_id]  # the glance is itself recorded
    clerk = make_actor("clerk", permissions=("contacts.view",))
    with rpc(clerk) as proxy, pytest.raises(PermissionDenied):
        proxy.audit.subject_readers(contact_id)
