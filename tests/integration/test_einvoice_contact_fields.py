"""B3 (issue 15): the payer's e-invoice address and operator are contact fields. Over the real broker and
databases: the fields kept compact and checked by the rule billing sends by (piiri/einvoice.py), in the
change history; an e-invoice run previews who gets an e-invoice and who a paper one, then sends the
e-invoices through the operator emulator; the invoice page's defaults come from the payer's contact (an
audited read); the access report shows the address and erasure forgets it on the invoices."""

import pytest
from sqlalchemy import text

from piiri.errors import ValidationFailed
from services.audit.service import AuditService
from services.billing.service import BillingService
from services.billing.worker import BillingWorker
from services.contacts.service import ContactsService
from tests.conftest import einvoice_settings
from tests.events import wait_for
from tests.integration.test_billing import audit_actions, wait_run
from tests.integration.test_einvoice import CONFIG, OFFICER, TREASURER

ADDRESS = {"street": "Kuja 1", "postal_code": "00100", "city": "Espoo"}
ERASED_ROWS = "SELECT einvoice_address, einvoice_operator FROM invoices WHERE payer_name <> 'Paperi Maksaja'"


@pytest.fixture
def einvoicing(run_services, rpc, einvoice_operator):
    config = {**CONFIG, **einvoice_settings(einvoice_operator)}
    run_services(ContactsService, AuditService, BillingService, BillingWorker, extra_config=config)
    with rpc(TREASURER) as cluster:
        yield cluster


def test_b3_einvoice_contact_fields_drive_the_run_and_the_invoice_page(
    einvoicing, rpc, einvoice_operator, clean_databases, engines
):
    contacts, billing = einvoicing.contacts, einvoicing.billing
    company = contacts.create_contact(
        {"kind": "organisation", "organisation_name": "Yritys Oy", **ADDRESS,
         "einvoice_address": "0037 9876 5432", "einvoice_operator": "003721291126"}
    )  # fmt: skip
    assert (company["einvoice_address"], company["einvoice_operator"]) == ("003798765432", "003721291126")
    person = contacts.create_contact({"first_name": "Paperi", "last_name": "Maksaja", **ADDRESS})
    with pytest.raises(ValidationFailed) as error:
        contacts.create_contact(
            {"first_name": "X", "last_name": "Y", "einvoice_address": "12345", "einvoice_operator": "a b"}
        )
    assert error.value.details == {
        "einvoice_address": ["contact.einvoice_address_invalid"],
        "einvoice_operator": ["contact.einvoice_operator_invalid"],
    }
    iban = contacts.update_contact(person["id"], {"einvoice_address": "fi21 1234 5600 0007 85"})
    assert iban["einvoice_address"] == "FI2112345600000785" and iban["einvoice_operator"] is None
    changes = contacts.contact_changes(person["id"])["items"]
    assert [(c["field"], c["old_value"], c["new_value"]) for c in changes] == [
        ("einvoice_address", None, "FI2112345600000785")
    ]

    fee = billing.create_fee_type({"name": "Jäsenmaksu", "amount": "80.00"})
    body = {"fee_type_id": fee["id"], "delivery": "einvoice",
            "selection": {"kind": "ids", "ids": [company["id"], person["id"]]}}  # fmt: skip
    preview = billing.preview_run(body)
    # the person has an address but no operator: a paper invoice
    assert preview["deliveries"] == {"einvoice": 1, "print": 1}
    assert {p["name"]: p["delivery"] for p in preview["payers"]} == {
        "Yritys Oy": "einvoice",
        "Paperi Maksaja": "print",
    }
    run = billing.start_run(body)
    assert wait_run(einvoicing, run["id"])["invoices_created"] == 2
    made = {i["payer_name"]: i for i in billing.list_invoices(run_id=run["id"])["items"]}
    assert made["Yritys Oy"]["delivery"] == "einvoice" and made["Paperi Maksaja"]["delivery"] == "print"
    assert made["Yritys Oy"]["einvoice_address"] == "003798765432"

    def sent():
        return billing.einvoice_sendings(made["Yritys Oy"]["id"])["items"]

    assert wait_for(lambda: sent(), 30)
    assert [(s["status"], s["to_identifier"], s["to_intermediator"]) for s in sent()][0][1:] == (
        "003798765432",
        "003721291126",
    )
    assert billing.einvoice_sendings(made["Paperi Maksaja"]["id"])["items"] == []
    assert len(einvoice_operator.mailbox.messages) == 1

    assert billing.einvoice_defaults(made["Yritys Oy"]["id"]) == {
        "to_identifier": "003798765432",
        "to_intermediator": "003721291126",
        "source": "invoice",
    }
    single = billing.create_invoice(
        {"contact_id": company["id"], "lines": [{"description": "Koulutus", "unit_price": "10.00"}]}
    )
    assert billing.einvoice_defaults(single["id"])["source"] == "contact"
    assert billing.einvoice_defaults(made["Paperi Maksaja"]["id"]) == {
        "to_identifier": "FI2112345600000785",
        "to_intermediator": "",
        "source": "contact",
    }
    assert wait_for(
        lambda: (
            {"contact.read_for_billing", "invoice.einvoice_address_read", "invoice.einvoice_sent"}
            <= audit_actions(engines, company["id"])
        ),
        20,
    )

    with rpc(OFFICER) as officer:
        own = officer.contacts.personal_data(company["id"])["sections"]["contact"]
        assert own["einvoice_address"] == "003798765432"
        invoices = officer.billing.personal_data(company["id"])["sections"]["invoices"]
        assert {item["einvoice_address"] for item in invoices} == {"003798765432", None}
        officer.contacts.request_erasure(company["id"], "Art. 17 request")

    def forgotten():
        with clean_databases["billing"].connect() as conn:
            rows = conn.execute(text(ERASED_ROWS)).all()
        return rows and all(row == (None, None) for row in rows)

    assert wait_for(forgotten, 30)
