"""Dead letters hold personal data (issue 11 item 6 with G3, G4): the audit service lists the dead letters
naming a person in their access report and removes them when the person is erased (a dead-lettered audit
record is kept, redacted; the erasure protocol's own letters and everybody else's stay, in their order);
`piiri dead-letters list|show` print only after an audit record of the operator's read is confirmed."""

import base64
import getpass
import io
import json
import types

import pypdf
import pytest
from nameko.testing.services import entrypoint_hook
from sqlalchemy import text

from conftest import ALL_PERMISSIONS, make_actor
from piiri import dead_letters
from piiri.messaging import AUDIT_QUEUE
from piiri_cli import cli
from services.audit.service import AuditService
from services.contacts.service import ContactsService
from tests.events import wait_for

OFFICER = make_actor("dl-officer", permissions=(*ALL_PERMISSIONS, "gdpr.officer"), roles=("dpo",))
EMAIL = "ville.kuollut@example.fi"


def plant(config, body, source_queue, error="RuntimeError: cannot handle it"):
    """A dead letter made by the real publisher, as the container makes one from a failing message."""
    message = types.SimpleNamespace(
        body=json.dumps(body).encode(),
        headers={"nameko.request_id": "dl-gdpr"},
        delivery_info={"exchange": "contacts.events", "routing_key": "contact_updated"},
        properties={},
        content_type="application/json",
        content_encoding="utf-8",
    )
    return dead_letters.DeadLetterPublisher(config["AMQP_URI"]).dead_letter(message, source_queue, 5, error)


def letters(config):
    return [
        (letter["dead_letter_queue"], letter["id"])
        for letter in dead_letters.list_letters(config["AMQP_URI"])
    ]


def audit_rows(engines, action):
    with engines["audit"].connect() as conn:
        return conn.execute(
            text("SELECT actor_username, subject_ids, details FROM audit_events WHERE action = :action"),
            {"action": action},
        ).all()


def test_g3_g4_dead_letters_naming_a_person_are_in_their_access_report_and_go_with_their_erasure(
    run_services, rpc, config, clean_databases
):
    run_services(ContactsService, AuditService, extra_config={"GDPR_SERVICES": "contacts,audit"})
    with rpc(OFFICER) as cluster:
        person = cluster.contacts.create_contact(
            {"first_name": "Ville", "last_name": "Kuollut", "email": EMAIL}
        )
        other = cluster.contacts.create_contact({"first_name": "Maija", "last_name": "Muu"})
        pid, oid = person["id"], other["id"]
        events = "evt-contacts-contact_updated--mailing.on_contact"
        first_other = plant(config, {"contact_id": oid, "first_name": "Maija"}, events)
        about_person = plant(config, {"contact_id": pid, "email": EMAIL, "last_name": "Kuollut"}, events)
        in_error = plant(config, {"n": 1}, events, error=f"ValueError: contact {pid.upper()} is locked")
        record = {
            "event_id": "0b5a3c56-59a4-4d8e-9b61-0f8f6a0c1a11",
            "action": "contact.searched",
            "subject_ids": [pid],
            "details": {"query": "Kuollut", "returned": 1},
        }
        audit_letter = plant(config, record, AUDIT_QUEUE.name)
        request = plant(config, {"erasure_id": pid, "contact_id": pid}, "piiri.erasure.imports")
        last_other = plant(config, {"contact_id": oid}, events)
        before = letters(config)

        report = json.loads(base64.b64decode(cluster.contacts.access_report_file(pid, "json", "en")["data"]))
        listed = report["services"]["audit"]["dead_letters"]
        assert len(listed) == 4  # the person's event, the error naming them, the audit record, the request
        event = next(item for item in listed if EMAIL in item["message"])
        assert event["queue"] == events and event["error"] == "RuntimeError: cannot handle it" and event["at"]
        assert any("is locked" in item["error"] for item in listed)
        assert not any(oid in item["message"] for item in listed)
        as_pdf = base64.b64decode(cluster.contacts.access_report_file(pid, "pdf", "en")["data"])
        pages = pypdf.PdfReader(io.BytesIO(as_pdf)).pages
        letters_only = "".join("".join(page.extract_text() for page in pages).split())  # cells wrap lines
        assert "Unprocessedmessages(heldbackbyanerror)" in letters_only and "islocked" in letters_only

        erasure = cluster.contacts.request_erasure(pid, "the person asked")
        assert wait_for(lambda: cluster.contacts.get_erasure(erasure["id"])["completed_at"], seconds=15)

    after = letters(config)
    assert len(before) == 6 and len(after) == 4
    assert not {about_person, in_error} & {item[1] for item in after}
    assert [item[1] for item in after if item[0] == dead_letters.AUDIT_DEAD_LETTERS.name] == [audit_letter]
    assert [item[1] for item in after if item[0] == dead_letters.DEAD_LETTERS.name] == [
        first_other,
        request,  # the erasure protocol's own letter (ids only) is never erased
        last_other,
    ]
    [kept] = [
        letter for letter in dead_letters.list_letters(config["AMQP_URI"]) if letter["id"] == audit_letter
    ]
    assert "Kuollut" not in kept["body"] and json.loads(kept["body"])["details"] == {
        "returned": 1,
        "redacted": ["query"],
    }
    assert not any(EMAIL in json.dumps(letter) for letter in dead_letters.list_letters(config["AMQP_URI"]))
    [done] = wait_for(lambda: audit_rows(clean_databases, "contact.erasure_service_done"))
    assert done.details["summary"]["dead_letters_removed"] == 2
    assert done.details["summary"]["dead_letters_redacted"] == 1


def test_issue_11_dead_letters_list_and_show_are_audited_reads_and_refused_without_the_log(
    run_services, config, clean_databases, capsys, monkeypatch
):
    run_services(AuditService)
    person = "5f0c1f36-3c1e-4f39-a6a4-2a52b2bb0c77"
    letter_id = plant(config, {"contact_id": person, "email": EMAIL}, "evt-contacts-x--y.z")

    assert cli.main(["dead-letters", "show", letter_id]) == 0
    assert EMAIL in capsys.readouterr().out
    [viewed] = wait_for(lambda: audit_rows(clean_databases, "dead_letter.viewed"))
    assert viewed.actor_username == getpass.getuser() and person in viewed.subject_ids
    assert letter_id not in viewed.subject_ids and viewed.details["letters"] == [letter_id]
    assert cli.main(["dead-letters", "list"]) == 0
    assert letter_id in capsys.readouterr().out
    [listed] = wait_for(lambda: audit_rows(clean_databases, "dead_letter.listed"))
    assert person in listed.subject_ids

    class Down:
        def publish(self, *args, **kwargs):
            raise ConnectionError("the broker refused")

    monkeypatch.setattr("piiri.messaging.audit_publisher", lambda uri: Down())
    for command in (["dead-letters", "show", letter_id], ["dead-letters", "list"]):
        assert cli.main(command) == 1
        out = capsys.readouterr()
        assert out.out == "" and "audit log cannot record" in out.err
    assert dead_letters.list_letters(config["AMQP_URI"])[0]["id"] == letter_id  # nothing was taken


@pytest.mark.parametrize("body", ["not json", json.dumps(["a list"])])
def test_g4_an_audit_dead_letter_that_is_no_record_is_removed_not_kept(config, run_services, body):
    run_services()
    person = "9d2ee7a1-3c55-4c53-8f31-4a9f3a7d2a10"
    message = types.SimpleNamespace(
        body=f"{body} {person}".encode() if body == "not json" else json.dumps([person]).encode(),
        headers={},
        delivery_info={"exchange": "piiri.audit", "routing_key": "x"},
        properties={},
        content_type="application/json",
        content_encoding="utf-8",
    )
    dead_letters.DeadLetterPublisher(config["AMQP_URI"]).dead_letter(message, AUDIT_QUEUE.name, 1, "bad")
    from services.audit.erasure import _redacted_letter

    assert dead_letters.erase_naming(config["AMQP_URI"], person, _redacted_letter) == {
        "removed": 1,
        "redacted": 0,
    }
    assert dead_letters.list_letters(config["AMQP_URI"]) == []


def test_g4_a_dead_letter_about_a_person_that_arrives_after_their_erasure_is_removed_too(
    run_services, rpc, config
):
    """A message about the person in flight during their erasure fails later: the audit service's timer
    removes its dead letter (an audit record's is kept redacted); the others stay."""
    runner = run_services(ContactsService, AuditService, extra_config={"GDPR_SERVICES": "contacts,audit"})
    with rpc(OFFICER) as cluster:
        pid = cluster.contacts.create_contact({"first_name": "Myö", "last_name": "Häinen"})["id"]
        erasure = cluster.contacts.request_erasure(pid, "the person asked")
        assert wait_for(lambda: cluster.contacts.get_erasure(erasure["id"])["completed_at"], seconds=15)
    events = "evt-contacts-contact_updated--mailing.on_contact"
    plant(config, {"contact_id": pid, "last_name": "Häinen"}, events)
    stays = plant(config, {"contact_id": "9d2ee7a1-3c55-4c53-8f31-4a9f3a7d2a10"}, events)
    record = {"event_id": "0b5a3c56-59a4-4d8e-9b61-0f8f6a0c1a12", "action": "contact.searched"}
    audit_letter = plant(
        config, {**record, "subject_ids": [pid], "details": {"query": "Häinen"}}, "piiri.audit.records"
    )

    [container] = [c for c in runner.containers if c.service_name == "audit"]
    with entrypoint_hook(container, "erase_late_dead_letters") as look:
        look()
    left = dead_letters.list_letters(config["AMQP_URI"])
    assert [letter["id"] for letter in left] == [audit_letter, stays]
    assert "Häinen" not in json.dumps(left, ensure_ascii=False)
