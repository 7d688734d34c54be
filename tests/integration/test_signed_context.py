"""Issue 11 item 7: the acting-user context is signed (HMAC-SHA256); a service refuses, and dead-letters,
an RPC or event whose context is unsigned or forged; during a key rotation the old key still verifies."""

import json
import time
import uuid

import pytest
from kombu import Connection, Producer
from nameko.constants import HEADER_PREFIX
from nameko.standalone.rpc import ClusterRpcProxy

from conftest import make_actor
from piiri import dead_letters, signing
from piiri.audit import audit_record
from piiri.context import ACTOR_KEY, REQUEST_ID_KEY, SIGNATURE_KEY, context_data_for
from piiri.errors import NotAuthenticated
from piiri.messaging import AUDIT_EXCHANGE, event_exchange
from services.audit.service import AuditService
from services.contacts.service import ContactsService
from services.contacts.worker import ContactsWorker


def letters_when(config, predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while True:
        letters = [letter for letter in dead_letters.list_letters(config["AMQP_URI"]) if predicate(letter)]
        if letters or time.monotonic() > deadline:
            return letters
        time.sleep(0.1)


def forged_context(actor):
    """What someone who can publish on the broker, but has no key, can send."""
    return {
        ACTOR_KEY: actor.to_header(),
        REQUEST_ID_KEY: "forged-1",
        SIGNATURE_KEY: signing.signature(actor.to_header(), "forged-1", ["not-the-key"]),
    }


def raw_headers(context):
    return {f"{HEADER_PREFIX}.{key}": value for key, value in context.items()}


def test_issue_11_signature_verifies_with_any_listed_key_and_signs_with_the_first():
    context = {ACTOR_KEY: '{"id":"u"}', REQUEST_ID_KEY: "r-1"}
    signed_old = signing.signed(context, ["old"])
    signing.verify(signed_old, ["new", "old"])
    with pytest.raises(signing.BadSignature):
        signing.verify(signed_old, ["new"])
    with pytest.raises(signing.BadSignature):  # the actor changed after signing
        signing.verify({**signed_old, ACTOR_KEY: '{"id":"admin"}'}, ["new", "old"])
    with pytest.raises(signing.BadSignature):  # the request id is signed too
        signing.verify({**signed_old, REQUEST_ID_KEY: "r-2"}, ["old"])
    with pytest.raises(signing.BadSignature):  # an actor without a signature
        signing.verify(context, ["old"], required=False)
    signing.verify({}, ["old"], required=False)  # no actor, nothing to sign: an RPC may pass (health ping)
    with pytest.raises(signing.BadSignature):  # but an event must always be signed
        signing.verify({}, ["old"], required=True)
    assert signing.signed(context, ["new", "old"])[SIGNATURE_KEY] == signing.signature(
        '{"id":"u"}', "r-1", ["new"]
    )
    assert signing.context_keys({"CONTEXT_KEYS": " new , old "}) == ["new", "old"]


def test_issue_11_a_forged_actor_on_an_rpc_is_refused_and_dead_lettered(run_services, config, rpc):
    run_services(ContactsService, AuditService)
    admin = make_actor("forger-target")
    with ClusterRpcProxy(config, context_data=forged_context(admin), timeout=10) as proxy:
        with pytest.raises(NotAuthenticated):
            proxy.contacts.list_custom_fields()
    unsigned = {ACTOR_KEY: admin.to_header(), REQUEST_ID_KEY: "r-unsigned"}
    with ClusterRpcProxy(config, context_data=unsigned, timeout=10) as proxy:
        with pytest.raises(NotAuthenticated):
            proxy.contacts.list_custom_fields()
    with rpc(admin) as proxy:  # the same call, signed, works
        assert "items" in proxy.contacts.list_custom_fields()
    letters = letters_when(config, lambda letter: letter["queue"] == "rpc-contacts")
    assert len(letters) == 2
    assert all(letter["error"].startswith("refused:") for letter in letters)


def test_issue_11_a_forged_event_and_an_unsigned_audit_record_are_dead_lettered_not_handled(
    run_services, config, engines
):
    run_services(
        ContactsService, ContactsWorker, AuditService
    )  # the worker handles member_joined (automations)
    actor = make_actor("forger")
    record = audit_record("contacts", "contact.viewed", actor, "r", "contact", [uuid.uuid4()])
    event = {"group_id": str(uuid.uuid4()), "contact_id": str(uuid.uuid4()), "event_id": str(uuid.uuid4())}
    with Connection(config["AMQP_URI"]) as connection:
        producer = Producer(connection.channel())
        producer.publish(
            json.dumps(event),
            exchange=event_exchange("contacts"),
            routing_key="member_joined",
            headers=raw_headers(forged_context(actor)),
            content_type="application/json",
            content_encoding="utf-8",
        )
        producer.publish(  # an audit record with no context at all
            json.dumps(record),
            exchange=AUDIT_EXCHANGE,
            routing_key="contact.viewed",
            content_type="application/json",
            content_encoding="utf-8",
        )
    event_letters = letters_when(config, lambda letter: "member_joined" in (letter["queue"] or ""))
    audit_letters = letters_when(config, lambda letter: letter["queue"] == "piiri.audit.records")
    assert len(event_letters) == 1 and json.loads(event_letters[0]["body"]) == event
    assert event_letters[0]["exchange"] == "contacts.events"
    assert event_letters[0]["routing_key"] == "member_joined"
    assert len(audit_letters) == 1 and audit_letters[0]["dead_letter_queue"] == "piiri.dead_letters.audit"
    from sqlalchemy import text

    with engines["audit"].connect() as conn:
        stored = conn.execute(
            text("SELECT count(*) FROM audit_events WHERE event_id = :id"), {"id": record["event_id"]}
        ).scalar()
    assert stored == 0


def test_issue_11_during_a_key_rotation_the_old_key_still_verifies(run_services, config):
    run_services(ContactsService, AuditService, extra_config={"CONTEXT_KEYS": "new-key,old-key"})
    admin = make_actor("rotating")
    with ClusterRpcProxy(config, context_data=context_data_for(admin, keys=["old-key"]), timeout=10) as proxy:
        assert "items" in proxy.contacts.list_custom_fields()  # signed with the old key: accepted
    with ClusterRpcProxy(config, context_data=context_data_for(admin, keys=["new-key"]), timeout=10) as proxy:
        assert "items" in proxy.contacts.list_custom_fields()
    with ClusterRpcProxy(config, context_data=context_data_for(admin, keys=["dropped"]), timeout=10) as proxy:
        with pytest.raises(NotAuthenticated):
            proxy.contacts.list_custom_fields()
