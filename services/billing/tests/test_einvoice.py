"""B3: the e-invoice address check, and the operator client's reading of the operator's answers (against
the project's operator emulator, emulators/einvoice/)."""

from pathlib import Path

import pytest

from emulators.einvoice.operator import serve
from piiri.errors import ValidationFailed
from services.billing.einvoice import client
from services.billing.einvoice.message import checked_transmission

SAMPLE = (Path(__file__).parent / "fixtures" / "finvoice30_minimal_membership.xml").read_bytes()


def test_b3_addresses_are_ovt_codes_or_ibans_and_the_operator_an_identifier():
    assert checked_transmission(
        {"to_identifier": " 0037 1234 5678 ", "to_intermediator": "ndeafihh"}, required=True
    ) == {"to_identifier": "003712345678", "to_intermediator": "NDEAFIHH"}
    assert (
        checked_transmission({"to_identifier": "FI21 1234 5600 0007 85"}, required=False)["to_identifier"]
        == "FI2112345600000785"
    )
    with pytest.raises(ValidationFailed) as error:
        checked_transmission({"to_identifier": "12345", "to_intermediator": "x!"}, required=True)
    assert error.value.details == {
        "to_identifier": ["billing.einvoice_address_invalid"],
        "to_intermediator": ["billing.einvoice_operator_invalid"],
    }
    with pytest.raises(ValidationFailed) as error:
        checked_transmission({}, required=True)
    assert set(error.value.details) == {"to_identifier", "to_intermediator"}
    with pytest.raises(ValidationFailed):
        checked_transmission(["not", "an", "object"], required=False)


@pytest.fixture
def operator():
    server = serve("key")
    yield server
    server.shutdown()


def test_b3_the_client_sends_follows_and_reads_a_refusal(operator):
    operator_client = client.OperatorClient(operator.url, "key", timeout=5)
    taken = operator_client.send(SAMPLE)
    assert taken["status"] == "accepted"
    assert operator_client.status(taken["id"])["status"] == "delivered"
    with pytest.raises(client.Refused) as refused:
        operator_client.send(b"<Finvoice/>")
    assert "not Finvoice 3.0" in refused.value.reason


def test_b3_a_wrong_key_a_missing_message_and_no_operator_are_unavailable(operator):
    with pytest.raises(client.Unavailable):
        client.OperatorClient(operator.url, "wrong", timeout=5).send(SAMPLE)
    with pytest.raises(client.Unavailable):
        client.OperatorClient(operator.url, "key", timeout=5).status("no-such-message")
    url = operator.url
    operator.shutdown()
    with pytest.raises(client.Unavailable):
        client.OperatorClient(url, "key", timeout=2).send(SAMPLE)
    assert client.OperatorClient.from_config({}) is None
    configured = client.OperatorClient.from_config(
        {"BILLING_EINVOICE_URL": url + "/", "BILLING_EINVOICE_KEY": "k"}
    )
    assert configured.url == url and configured.timeout == client.DEFAULT_TIMEOUT


def test_b3_an_einvoice_run_sends_einvoices_to_payers_with_an_address_and_paper_to_the_others():
    from services.billing.runs.rules import decide, delivery_of

    address = {"street": "Tie 1", "postal_code": "00100", "city": "Espoo"}
    company = {"id": "a", "einvoice_address": "003798765432", "einvoice_operator": "003721291126"}
    paper = {"id": "b", **address, "einvoice_address": "003798765432"}  # no operator: paper
    nowhere = {"id": "c"}
    assert [delivery_of(row, "einvoice") for row in (company, paper)] == ["einvoice", "print"]
    assert delivery_of(paper, "email") == "email"
    decision = decide([company, paper, nowhere], "einvoice", False, {}, set())
    assert [row["id"] for row in decision.payers] == ["a", "b"]
    assert decision.excluded == [(nowhere, "no_address")]
