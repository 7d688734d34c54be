"""B3 over the real broker and databases: an invoice sent as a Finvoice e-invoice through the project's
operator emulator (emulators/einvoice/), followed to delivered or rejected; its refusals; the disclosure
on the audit log before the message leaves; the sendings in the access report and forgotten by erasure."""

import eventlet
import pytest
from sqlalchemy import text

from conftest import ALL_PERMISSIONS, make_actor
from piiri.errors import Conflict, NotFound, ServiceUnavailable, ValidationFailed
from services.audit.service import AuditService
from services.billing.service import BillingService
from services.contacts.service import ContactsService
from tests.conftest import einvoice_settings
from tests.events import wait_for

TREASURER = make_actor(
    "einvoice-treasurer", permissions=(*ALL_PERMISSIONS, "invoices.manage"), roles=("treasurer",)
)
OFFICER = make_actor("einvoice-dpo", permissions=(*ALL_PERMISSIONS, "gdpr.officer"), roles=("dpo",))
CONFIG = {
    "BILLING_IBAN": "FI2112345600000785",
    "BILLING_PAYEE_BUSINESS_ID": "1234567-8",
    "GDPR_SERVICES": "contacts,audit,billing",
    "OUTBOX_KEEP_SECONDS": 0,
}
TO_COMPANY = {"to_identifier": "003798765432", "to_intermediator": "003721291126"}


@pytest.fixture
def operator(einvoice_operator):
    return einvoice_operator


@pytest.fixture
def einvoicing(run_services, rpc, operator):
    config = {**CONFIG, **einvoice_settings(operator)}
    run_services(ContactsService, AuditService, BillingService, extra_config=config)
    with rpc(TREASURER) as cluster:
        yield cluster


def an_invoice(cluster, first="Yritys"):
    contact = cluster.contacts.create_contact(
        {"first_name": first, "last_name": "Oy", "street": "Kuja 1", "postal_code": "00100", "city": "Espoo"}
    )
    invoice = cluster.billing.create_invoice(
        {"contact_id": contact["id"], "lines": [{"description": "Koulutus", "unit_price": "120.00"}]}
    )
    return contact["id"], invoice


def test_b3_an_invoice_goes_to_the_operator_and_is_followed_to_delivered(
    einvoicing, operator, clean_databases
):
    contact_id, invoice = an_invoice(einvoicing)
    sent = einvoicing.billing.send_einvoice(invoice["id"], TO_COMPANY)
    assert (sent["status"], sent["to_identifier"], sent["actor_username"]) == (
        "accepted",
        "003798765432",
        "einvoice-treasurer",
    )
    taken = operator.mailbox.messages[sent["message_id"]]
    assert taken["receiver"] == "003798765432" and b"Yritys Oy" in taken["xml"]
    listed = einvoicing.billing.einvoice_sendings(invoice["id"])["items"]
    assert [(item["id"], item["status"]) for item in listed] == [(sent["id"], "delivered")]
    with pytest.raises(Conflict) as again:
        einvoicing.billing.send_einvoice(invoice["id"], TO_COMPANY)
    assert again.value.message == "billing.einvoice_already_sent"

    def disclosures():
        with clean_databases["audit"].connect() as conn:
            return conn.execute(
                text("SELECT fields FROM audit_events WHERE action = :action AND :id = ANY(subject_ids)"),
                {"action": "invoice.einvoice_sent", "id": contact_id},
            ).all()

    assert wait_for(lambda: len(disclosures()) == 1, 20)
    assert "payer_name" in disclosures()[0].fields


def test_b3_a_rejection_is_shown_with_its_reason_and_the_invoice_can_be_sent_again(einvoicing, operator):
    _, invoice = an_invoice(einvoicing, "Väärä")
    operator.mailbox.receivers = {"003798765432"}  # this operator knows only the company's address
    taken = einvoicing.billing.send_einvoice(
        invoice["id"], {"to_identifier": "FI2112345600000785", "to_intermediator": "NDEAFIHH"}
    )
    assert taken["status"] == "accepted"  # an operator checks the receiver after taking the message
    rejected = einvoicing.billing.einvoice_sendings(invoice["id"])["items"][0]
    assert (rejected["status"], rejected["reason"]) == ("rejected", "unknown receiver address")
    corrected = einvoicing.billing.send_einvoice(invoice["id"], TO_COMPANY)
    assert corrected["status"] == "accepted"
    statuses = [item["status"] for item in einvoicing.billing.einvoice_sendings(invoice["id"])["items"]]
    assert statuses == ["delivered", "rejected"]  # newest first


def test_b3_two_sends_of_one_invoice_at_once_deliver_it_once(einvoicing, rpc, operator):
    _, invoice = an_invoice(einvoicing, "Kahdesti")

    def send():
        with rpc(TREASURER) as cluster:
            try:
                return cluster.billing.send_einvoice(invoice["id"], TO_COMPANY)["status"]
            except Conflict as refused:
                return refused.message

    both = [eventlet.spawn(send) for _ in range(2)]
    assert sorted(green.wait() for green in both) == ["accepted", "billing.einvoice_already_sent"]
    assert len(operator.mailbox.messages) == 1


def test_b3_bad_addresses_unknown_invoices_and_an_operator_away_change_nothing(einvoicing, operator):
    _, invoice = an_invoice(einvoicing, "Huono")
    with pytest.raises(ValidationFailed) as bad:
        einvoicing.billing.send_einvoice(invoice["id"], {"to_identifier": "12", "to_intermediator": ""})
    assert bad.value.details == {
        "to_identifier": ["billing.einvoice_address_invalid"],
        "to_intermediator": ["request.required"],
    }
    with pytest.raises(NotFound):
        einvoicing.billing.send_einvoice("6f1c3a52-6d3e-4b8e-9a51-3f2f0d7c1a10", TO_COMPANY)
    operator.shutdown()
    with pytest.raises(ServiceUnavailable) as away:
        einvoicing.billing.send_einvoice(invoice["id"], TO_COMPANY)
    assert away.value.message == "billing.einvoice_operator_unavailable"
    assert einvoicing.billing.einvoice_sendings(invoice["id"])["items"] == []


def test_b3_without_an_operator_sending_is_refused_as_not_configured(run_services, rpc):
    run_services(ContactsService, AuditService, BillingService, extra_config=CONFIG)
    with rpc(TREASURER) as cluster:
        _, invoice = an_invoice(cluster, "Ilman")
        with pytest.raises(Conflict) as refused:
            cluster.billing.send_einvoice(invoice["id"], TO_COMPANY)
        assert refused.value.message == "billing.einvoice_not_configured"


def test_b3_g3_g4_sendings_are_in_the_access_report_and_erasure_forgets_the_address(
    einvoicing, rpc, clean_databases
):
    contact_id, invoice = an_invoice(einvoicing, "Poistettava")
    einvoicing.billing.send_einvoice(invoice["id"], TO_COMPANY)
    with rpc(OFFICER) as officer:
        report = officer.billing.personal_data(contact_id)
        assert [(item["status"], item["to_identifier"]) for item in report["sections"]["einvoices"]] == [
            ("accepted", "003798765432")
        ]
        officer.contacts.request_erasure(contact_id, "Art. 17 request")

    def forgotten():
        with clean_databases["billing"].connect() as conn:
            return conn.execute(text("SELECT to_identifier FROM einvoice_sendings")).scalars().all() == [None]

    assert wait_for(forgotten, 30)
