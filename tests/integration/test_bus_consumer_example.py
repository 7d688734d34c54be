"""X1 (issue 11 item 11): another system on the bus. The example consumer in examples/bus_consumer/ (pika)
binds its own durable queue to Piiri's event exchanges, receives the real events the contacts service
publishes, validates each against the JSON Schemas of docs/events/, and dead-letters an invalid payload."""

import importlib.util
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pika
import pytest

from conftest import ALL_PERMISSIONS, make_actor
from services.contacts.service import ContactsService

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "bus_consumer" / "consumer.py"
ADMIN = make_actor("bus-example-admin", permissions=(*ALL_PERMISSIONS, "groups.manage"))


def load_example():
    spec = importlib.util.spec_from_file_location("bus_consumer_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def amqp_url(config):
    """The test vhost as a pika URL (nameko's pyamqp:// is amqp:// to everyone else)."""
    return "amqp://" + config["AMQP_URI"].split("://", 1)[1]


@pytest.fixture
def channel(amqp_url):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    queue = f"example-system-{uuid.uuid4().hex[:8]}"
    yield channel, queue
    for name in (queue, f"{queue}.invalid"):
        channel.queue_delete(name)
    connection.close()


def test_x1_example_consumer_validates_real_events_and_dead_letters_an_invalid_one(
    run_services, rpc, channel, amqp_url
):
    example = load_example()
    channel, queue = channel
    invalid_queue = example.declare(channel, queue)  # before the events: unbound events are not kept
    run_services(ContactsService)
    with rpc(ADMIN) as cluster:
        contacts = cluster.contacts
        contact = contacts.create_contact(
            {"first_name": "Väylä", "last_name": "Kuuntelija", "email": "v@example.fi"}
        )
        contacts.update_contact(contact["id"], {"city": "Tampere"})
        group = contacts.create_group("Väylän ryhmä")
        contacts.add_members(group["id"], [contact["id"]])
        contacts.add_status(contact["id"], {"kind": "abroad", "starts_on": "2026-01-01"})
        contacts.delete_contact(contact["id"])
    expected = [
        "contact_created",
        "contact_updated",
        "group_created",
        "member_joined",
        "contact_status_added",
        "contact_deleted",
    ]
    handled = []
    consumer = example.Consumer(example.Schemas.load(), handler=lambda kind, payload: handled.append(kind))
    outcomes = consumer.run(channel, queue, max_messages=len(expected), idle_seconds=15)
    assert [(outcome.event_type, outcome.result, outcome.reason) for outcome in outcomes] == [
        (kind, "handled", None) for kind in expected
    ]
    assert handled == expected
    created = outcomes[0].payload
    assert created["contact_id"] == str(contact["id"]) and created["contact"]["city"] is None
    assert outcomes[1].payload["contact"]["city"] == "Tampere"

    # Invalid payloads: a missing required field, an unknown schema_version, a wrong type, not JSON.
    good = dict(outcomes[5].payload)
    bad_bodies = [
        {key: value for key, value in good.items() if key != "contact_id"},
        {**good, "schema_version": 2},
        {**good, "contact_id": "not-a-uuid"},
    ]
    for body in bad_bodies:
        channel.basic_publish("contacts.events", "contact_deleted", json.dumps(body).encode())
    channel.basic_publish("contacts.events", "contact_deleted", b"{not json")
    channel.basic_publish("contacts.events", "contact_deleted", json.dumps(good).encode())  # a redelivery
    outcomes = consumer.run(channel, queue, max_messages=5, idle_seconds=10)
    assert [outcome.result for outcome in outcomes] == ["rejected"] * 4 + ["duplicate"]
    reasons = [outcome.reason for outcome in outcomes[:4]]
    assert "contact_id" in reasons[0] and "required" in reasons[0]
    assert "schema_version 2" in reasons[1]
    assert "contact_id" in reasons[2]
    assert "not JSON" in reasons[3]
    assert handled == expected  # nothing invalid reached the handler
    dead = []
    for _ in range(4):
        method, _properties, body = channel.basic_get(invalid_queue, auto_ack=True)
        assert method is not None, "an invalid payload did not reach the dead-letter queue"
        dead.append(body)
    assert dead[-1] == b"{not json"


def test_x1_example_consumer_runs_as_a_program(amqp_url, channel):
    """The command line: declares its queue, takes the bus as it is, stops when idle."""
    _, queue = channel
    result = subprocess.run(
        [sys.executable, str(EXAMPLE), "--amqp-url", amqp_url, "--queue", queue, "--idle", "1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "0 messages, 0 rejected" in result.stderr


PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


def test_x1_every_event_the_contacts_service_writes_matches_its_published_schema(
    run_services, rpc, clean_databases
):
    """The schemas describe the real payloads: a tour of the contacts service's changes, and every event
    row it wrote to its outbox validates against docs/events/ (the example consumer's check)."""
    from sqlalchemy import text

    example = load_example()
    schemas = example.Schemas.load()
    run_services(ContactsService)
    permissions = (*ALL_PERMISSIONS, "groups.manage", "gdpr.officer", "fields.manage", "users.manage")
    officer = make_actor("bus-tour", permissions=permissions)
    with rpc(officer) as cluster:
        contacts = cluster.contacts
        anna = contacts.create_contact(
            {"first_name": "Anna", "last_name": "Kierros", "birth_date": "1970-05-05"}
        )
        bert = contacts.create_contact({"first_name": "Bertta", "last_name": "Kierros"})
        copy = contacts.create_contact({"first_name": "Anna", "last_name": "Kierros"})
        firm = contacts.create_contact({"kind": "organisation", "organisation_name": "Kierros Oy"})
        contacts.update_contact(anna["id"], {"city": "Oulu", "tags": ["hallitus"]})
        name = contacts.add_alt_name(anna["id"], {"kind": "maiden", "last_name": "Entinen"})
        contacts.remove_alt_name(anna["id"], name["id"])
        status = contacts.add_status(anna["id"], {"kind": "abroad", "starts_on": "2026-01-01"})
        contacts.update_status(anna["id"], status["id"], {"ends_on": "2026-02-01"})
        contacts.link_couple({"contact_ids": [anna["id"], bert["id"]]})
        contacts.add_affiliation(anna["id"], {"organisation_id": firm["id"], "role": "employee"})
        contacts.set_photo(anna["id"], "image/png", PNG)
        board = contacts.create_group("Kierroksen hallitus")
        contacts.update_group(board["id"], {"description": "Hallitus"})
        contacts.add_members(board["id"], [anna["id"], bert["id"]])
        contacts.end_memberships(board["id"], [bert["id"]])
        field_ = contacts.create_custom_field(
            {"key": "kierros", "label_fi": "Kierros", "field_type": "number"}
        )
        contacts.set_custom_values(anna["id"], {"kierros": 3})
        contacts.create_saved_search({"name": "Kierros", "query": "kierros"})
        contacts.update_birthday_settings({"round_ages": [60], "horizon_days": 30, "important_filters": {}})
        contacts.create_retention_rule({"name": "Kuolleet", "kind": "deceased", "config": {"years": 1}})
        contacts.mark_deceased(bert["id"], {"deceased_on": "2026-03-01"})
        contacts.remove_custom_field(field_["id"])
        contacts.dismiss_duplicate([anna["id"], copy["id"]])
        contacts.merge_contacts(anna["id"], [copy["id"]])
        contacts.delete_contact(firm["id"])
    with clean_databases["contacts"].connect() as conn:
        rows = conn.execute(
            text("SELECT routing_key, payload FROM outbox WHERE channel = 'event' ORDER BY seq")
        ).all()
    problems, seen = [], set()
    for routing_key, payload in rows:
        seen.add(routing_key)
        try:
            schemas.check(routing_key, json.dumps(payload).encode())
        except example.InvalidEvent as exc:
            problems.append(str(exc))
    assert len(rows) > 25 and problems == []
    assert {
        "contact_created", "contact_updated", "contact_deleted", "contact_name_added", "contact_name_removed",
        "contact_status_added", "contact_status_changed", "couple_linked", "affiliation_added",
        "photo_changed", "group_created", "group_changed", "member_joined", "member_left",
        "custom_field_created", "custom_field_removed", "saved_search_created", "birthday_settings_changed",
        "retention_rule_created", "contact_deceased", "duplicate_dismissed", "contacts_merged",
    } <= seen  # fmt: skip
