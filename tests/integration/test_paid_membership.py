"""B4 (issue 15), membership from payments, over the real broker and databases: a couple's membership-fee
invoice paid by a real bank file makes both members paid up for the fee's period (the contacts service
follows billing's invoice_paid), the paid_up / not_paid_up filters find them, a credit note withdraws it
(invoice_credited), and a late redelivery of the payment event changes nothing; a free or honorary flag
makes a member paid up for every period; each change is a membership_paid_changed event and audited."""

import base64
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from conftest import ALL_PERMISSIONS, make_actor
from piiri import signing
from piiri.errors import ValidationFailed
from piiri.messaging import context_headers, event_publisher
from services.audit.service import AuditService
from services.billing.service import BillingService
from services.billing.worker import BillingWorker
from services.contacts.erasure import storage as erasure_storage
from services.contacts.service import ContactsService
from services.contacts.worker import ContactsWorker
from tests.events import event_recorder, wait_for

FIXTURES = Path(__file__).resolve().parents[2] / "services" / "billing" / "tests" / "fixtures"
TREASURER = make_actor(
    "paid-up-tester",
    permissions=(*ALL_PERMISSIONS, "invoices.manage", "groups.manage", "automations.manage"),
    roles=("treasurer",),
)
BILLING = {
    "BILLING_IBAN": "FI2112345600000785",
    "BILLING_ACCOUNTS": "FI2112345600000785,FI1431313001234567,FI4947300010416310",
    "BILLING_PAYEE_BUSINESS_ID": "1234567-8",
}
ADDRESS = {"street": "Kuja 1", "postal_code": "00100", "city": "Helsinki"}
Changes, received = event_recorder("paid_membership_test", "membership_paid_changed")


@pytest.fixture
def billing(run_services, rpc):
    run_services(
        ContactsService,
        ContactsWorker,
        AuditService,
        BillingService,
        BillingWorker,
        Changes,
        extra_config=BILLING,
    )
    with rpc(TREASURER) as cluster:
        yield cluster


def person(contacts, first, last):
    return contacts.create_contact({"first_name": first, "last_name": last, **ADDRESS})["id"]


def periods(contacts, contact_id):
    return [row["period"] for row in contacts.get_contact(contact_id)["paid_membership"]["periods"]]


def found(contacts, **filters):
    return {item["id"] for item in contacts.search_contacts(filters=filters, limit=100)["items"]}


def newsletter_members(contacts, group):
    return {item["id"] for item in contacts.members(group["id"])["items"]}


def changes_of(contact_id):
    return [payload for kind, payload in received if payload["contact_id"] == contact_id]


def audit_actions(engines, contact_id):
    with engines["audit"].connect() as conn:
        rows = conn.execute(
            text("SELECT action FROM audit_events WHERE :id = ANY(subject_ids)"), {"id": contact_id}
        )
        return {row.action for row in rows}


def test_b4_paid_up_from_a_matched_bank_payment_withdrawn_by_a_credit_note(billing, clean_databases, config):
    contacts, engines = billing.contacts, clean_databases
    anna, bertil = person(contacts, "Anna", "Maksaja"), person(contacts, "Bertil", "Maksaja")
    olli = person(contacts, "Olli", "Maksamaton")
    contacts.link_couple({"contact_ids": [anna, bertil]})
    # Paid members join the members' newsletter group (C8 automation on membership_paid_changed).
    newsletter = contacts.create_group("Jäsenkirje 2027")
    paid_trigger = {"period": "2027", "paid_up": True}
    contacts.create_automation(
        {
            "name": "Maksaneet jäsenkirjeeseen",
            "trigger_type": "membership_paid_changed",
            "trigger_config": paid_trigger,
            "action_type": "add_to_group",
            "action_config": {"group_id": newsletter["id"]},
        }
    )
    membership = billing.billing.create_fee_type(
        {"name": "Jäsenmaksu 2027", "amount": "742.45", "vat_class": "none", "membership_period": "2027"}
    )
    assert membership["membership_period"] == "2027"
    with pytest.raises(ValidationFailed) as error:
        billing.billing.create_fee_type({"name": "X", "amount": "1.00", "membership_period": "ensi vuosi"})
    assert error.value.details == {"membership_period": ["billing.membership_period_invalid"]}
    # The couple's invoice gets the number whose reference (9544208) the sample camt.054 pays in full.
    with engines["billing"].begin() as conn:
        conn.execute(text("INSERT INTO number_counters VALUES ('invoice', 954420)"))
    run = billing.billing.start_run(
        {
            "fee_type_id": membership["id"],
            "per_couple": True,
            "selection": {"kind": "ids", "ids": [anna, bertil]},
        }
    )
    done = wait_for(
        lambda: (lambda r: r if r["status"] in ("done", "failed") else None)(
            billing.billing.get_run(run["id"])
        ),
        30,
    )
    assert done["status"] == "done" and done["invoices_created"] == 1
    [invoice] = billing.billing.list_invoices(run_id=run["id"])["items"]
    assert invoice["reference"] == "9544208"

    # An open invoice is no payment: nobody is paid up yet.
    assert periods(contacts, anna) == [] and found(contacts, paid_up="2027") == set()

    name = "camt054_fi_example_jbank.xml"
    billing.billing.import_bank_file(name, base64.b64encode((FIXTURES / name).read_bytes()).decode())
    assert billing.billing.get_invoice(invoice["id"])["status"] == "paid"
    assert wait_for(lambda: periods(contacts, bertil) == ["2027"] or None, 20)
    assert periods(contacts, anna) == ["2027"]  # both members of the couple's invoice
    paid = contacts.get_contact(anna)["paid_membership"]
    assert paid["periods"][0]["invoice_id"] == invoice["id"] and paid["flag"] is None
    assert found(contacts, paid_up="2027") == {anna, bertil}
    assert olli in found(contacts, not_paid_up="2027") and anna not in found(contacts, not_paid_up="2027")
    assert found(contacts, paid_up="2026") == set()
    with pytest.raises(ValidationFailed):
        contacts.search_contacts(filters={"paid_up": "viime vuosi"})
    event = wait_for(lambda: changes_of(anna) or None, 20)[0]
    assert (event["cause"], event["period"], event["paid_up"]) == ("payment", "2027", True)
    assert event["paid_periods"] == ["2027"] and event["invoice_id"] == invoice["id"]
    # C8: when it happened, on the clock of the automation's created_at (an automation made later ignores it)
    assert datetime.fromisoformat(event["occurred_at"]).tzinfo is not None
    assert wait_for(lambda: newsletter_members(contacts, newsletter) == {anna, bertil} or None, 20)
    dry = contacts.dry_run(
        definition={
            "name": "x",
            "trigger_type": "membership_paid_changed",
            "trigger_config": paid_trigger,
            "action_type": "add_to_group",
            "action_config": {"group_id": newsletter["id"]},
        }
    )
    assert dry["count"] == 2 and dry["trigger_text"] == "A member becomes paid up for 2027"

    # A free or honorary flag: paid up for any period, with its reason; audited; announced.
    with pytest.raises(ValidationFailed) as error:
        contacts.set_membership_flag(olli, {"kind": "honorary", "reason": "   "})
    assert error.value.details == {"reason": ["contacts.membership_flag_reason_required"]}
    flag = contacts.set_membership_flag(olli, {"kind": "honorary", "reason": "Perustajajäsen"})
    assert flag["kind"] == "honorary" and flag["set_by"] == "paid-up-tester"
    assert olli in found(contacts, paid_up="2027") and olli in found(contacts, paid_up="1999")
    assert contacts.get_contact(olli)["paid_membership"]["flag"]["reason"] == "Perustajajäsen"
    assert contacts.clear_membership_flag(olli) == {"cleared": "honorary"}
    assert olli not in found(contacts, paid_up="2027")
    olli_changes = wait_for(lambda: len(changes_of(olli)) >= 2 and changes_of(olli), 20)
    assert [(c["cause"], c["paid_up"]) for c in olli_changes] == [("flag_set", True), ("flag_cleared", False)]

    # A credit note withdraws what the payment made: the invoice's existence never counted.
    billing.billing.credit_invoice(invoice["id"])
    assert wait_for(lambda: periods(contacts, anna) == [] or None, 20)
    assert periods(contacts, bertil) == [] and found(contacts, paid_up="2027") == set()
    withdrawn = wait_for(lambda: [c for c in changes_of(bertil) if c["cause"] == "credit"] or None, 20)
    assert withdrawn[0]["paid_up"] is False and withdrawn[0]["paid_periods"] == []

    # The payment event delivered again late (at least once): idempotent, still not paid up.
    publisher = event_publisher(config["AMQP_URI"], "billing")
    payment = {
        "schema_version": 1,
        "event_id": "00000000-0000-4000-8000-000000000015",
        "invoice_id": invoice["id"],
        "invoice_number": invoice["number"],
        "contact_id": anna,
        "membership_period": "2027",
        "member_ids": [anna, bertil],
        "status": "paid",
    }
    headers = context_headers({"request_id": "paid-up-redelivery"}, signing.context_keys(config))
    publisher.publish(payment, routing_key="invoice_paid", extra_headers=headers)
    olli_invoice = {**payment, "invoice_id": "00000000-0000-4000-8000-0000000000aa", "member_ids": [olli]}
    publisher.publish(olli_invoice, routing_key="invoice_paid", extra_headers=headers)
    assert wait_for(lambda: periods(contacts, olli) == ["2027"] or None, 20)  # handled after the first
    assert periods(contacts, anna) == [] and found(contacts, paid_up="2027") == {olli}

    assert {"contact.membership_payment", "contact.membership_credit"} <= wait_for(
        lambda: (
            audit_actions(engines, anna) >= {"contact.membership_payment", "contact.membership_credit"}
            and audit_actions(engines, anna)
        ),
        20,
    )
    assert {"contact.membership_flag_set", "contact.membership_flag_cleared"} <= audit_actions(engines, olli)

    with Session(engines["contacts"]) as session:  # G3: what the access report lists of the person
        held = erasure_storage.held_rows(session, uuid.UUID(olli))
    assert [row["period"] for row in held["membership_payments"]] == ["2027"]
    assert held["membership_flags"] == []  # cleared
