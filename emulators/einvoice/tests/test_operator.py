"""The e-invoice operator emulator itself (B3): it takes Finvoice 3.0, refuses what is not, and delivers
or rejects by the receiver's address, as the protocol in operator.py says."""

from pathlib import Path

import pytest
import requests

from emulators.einvoice.operator import serve

FIXTURES = Path(__file__).resolve().parents[3] / "services" / "billing" / "tests" / "fixtures"
KEY = "test-key"


@pytest.fixture
def operator():
    server = serve(KEY)
    yield server
    server.shutdown()


def post(server, data, key=KEY):
    return requests.post(
        f"{server.url}/messages",
        data=data,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/xml"},
        timeout=10,
    )


def status(server, message_id):
    return requests.get(
        f"{server.url}/messages/{message_id}", headers={"Authorization": f"Bearer {KEY}"}, timeout=10
    )


def message_to(receiver):
    sample = (FIXTURES / "finvoice30_minimal_membership.xml").read_bytes()
    start = sample.index(b"<ToIdentifier>") + len(b"<ToIdentifier>")
    end = sample.index(b"</ToIdentifier>")
    return sample[:start] + receiver.encode() + sample[end:]


def test_b3_a_valid_message_to_a_known_address_is_taken_then_delivered(operator):
    taken = post(operator, message_to("003712345678"))
    assert taken.status_code == 201 and taken.json()["status"] == "accepted"
    state = status(operator, taken.json()["id"]).json()
    assert (state["status"], state["reason"], state["receiver"]) == ("delivered", None, "003712345678")
    assert operator.mailbox.messages[taken.json()["id"]]["xml"].startswith(b"<?xml")


def test_b3_an_unknown_address_is_taken_and_then_rejected_with_the_reason(operator):
    taken = post(operator, message_to("NOSUCHADDRESS"))
    assert taken.status_code == 201
    state = status(operator, taken.json()["id"]).json()
    assert (state["status"], state["reason"]) == ("rejected", "unknown receiver address")


def test_b3_broken_xml_and_a_message_that_is_not_finvoice_are_refused_at_once(operator):
    broken = post(operator, b"<Finvoice><unclosed></Finvoice>")
    assert broken.status_code == 400 and broken.json()["status"] == "rejected"
    assert "not well-formed" in broken.json()["reason"]
    wrong = post(operator, b'<?xml version="1.0"?><Finvoice Version="3.0"><Nothing/></Finvoice>')
    assert wrong.status_code == 422 and "not Finvoice 3.0" in wrong.json()["reason"]
    assert "line" in wrong.json()["reason"] and operator.mailbox.messages == {}


def test_b3_a_wrong_key_and_an_unknown_message_are_refused(operator):
    assert post(operator, message_to("003712345678"), key="wrong").status_code == 401
    assert status(operator, "no-such-id").status_code == 404


def test_b4_the_fault_switch_answers_503_to_the_next_posts_then_takes_messages_again(operator):
    operator.mailbox.unavailable = 2
    assert [post(operator, message_to("003712345678")).status_code for _ in range(3)] == [503, 503, 201]
    assert len(operator.mailbox.messages) == 1 and operator.mailbox.unavailable == 0
