"""B1 federation split over the real broker and databases: settlement parties, a fee type with
components (an exact sum, else a clear error), the split frozen on the invoices of a single invoice and
a run, negated on a credit note, payments from a bank file shared among the parties (a partial payment in
proportion, cents exact, what was paid in an earlier period counted), the settlement report per
period with its download, and a fee's split edited (a new party; the report follows the new invoices)."""

import base64
import io
from datetime import timedelta

import openpyxl
import pytest

from piiri import clock
from piiri.errors import NotFound, ValidationFailed
from services.audit.service import AuditService
from services.billing.service import BillingService
from services.billing.worker import BillingWorker
from services.contacts.service import ContactsService
from tests.integration.test_billing import ADDRESS, BILLING, TREASURER, wait_run
from tests.ktl_files import ktl_file


@pytest.fixture
def billing(run_services, rpc):
    run_services(ContactsService, AuditService, BillingService, BillingWorker, extra_config=BILLING)
    with rpc(TREASURER) as cluster:
        yield cluster


def month_of(day):
    return f"{day.year}-{day.month:02d}"


def test_b1_federation_split_from_fee_to_settlement_report(billing, clean_databases):
    service = billing.billing
    liitto = service.create_party(
        {"name": "Liitto ry", "business_id": "0201256-6", "iban": "FI49 4730 0010 4163 10"}
    )
    yhdistys = service.create_party({"name": "Paikallisyhdistys ry", "business_id": "1572860-0"})
    assert (liitto["iban"], yhdistys["iban"]) == ("FI4947300010416310", None)
    with pytest.raises(ValidationFailed) as error:
        service.create_party({"name": "Kopio", "business_id": "0201256-6"})
    assert error.value.details == {"business_id": ["billing.party_exists"]}
    with pytest.raises(ValidationFailed) as error:
        service.create_party({"name": "Väärä", "business_id": "0201256-7", "iban": "FI00"})
    assert error.value.details == {"business_id": ["billing.business_id_invalid"]}

    split = [{"party_id": liitto["id"], "amount": "30.00"}, {"party_id": yhdistys["id"], "amount": "25.00"}]
    with pytest.raises(ValidationFailed) as error:
        service.create_fee_type({"name": "Jäsenmaksu", "amount": "50.00", "components": split})
    assert error.value.details == {
        "components": [{"code": "billing.components_sum", "params": {"sum": "55.00", "amount": "50.00"}}]
    }
    split[1]["amount"] = "20.00"
    fee = service.create_fee_type({"name": "Jäsenmaksu", "amount": "50.00", "components": split})
    assert [(c["party_name"], c["amount"]) for c in fee["components"]] == [
        ("Liitto ry", "30.00"),
        ("Paikallisyhdistys ry", "20.00"),
    ]
    assert service.list_fee_types()["items"][0]["components"] == fee["components"]

    today = clock.today()
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    people = [
        billing.contacts.create_contact({"first_name": name, "last_name": "Jäsen", **ADDRESS})["id"]
        for name in ("Aino", "Bruno", "Cecilia")
    ]
    aino = service.create_invoice(
        {
            "contact_id": people[0],
            "fee_type_id": fee["id"],
            "invoice_date": last_month.isoformat(),
            "lines": [{"description": "Lehti", "unit_price": "10.00"}],
        }
    )
    assert [line["split"] for line in aino["lines"]][1] == []  # a free line is the payee's own
    assert [(part["party_name"], part["amount"]) for part in aino["lines"][0]["split"]] == [
        ("Liitto ry", "30.00"),
        ("Paikallisyhdistys ry", "20.00"),
    ]
    run = service.start_run(
        {
            "fee_type_id": fee["id"],
            "invoice_date": this_month.isoformat(),
            "selection": {"kind": "ids", "ids": people[1:]},
        }
    )
    assert wait_run(billing, run["id"])["invoices_created"] == 2
    bruno, cecilia = sorted(service.list_invoices(run_id=run["id"])["items"], key=lambda i: i["number"])
    assert service.get_invoice(bruno["id"])["lines"][0]["split"][0]["amount"] == "30.00"  # frozen per line
    note = service.credit_invoice(cecilia["id"])
    assert [part["amount"] for part in note["lines"][0]["split"]] == ["-30.00", "-20.00"]

    paid = service.import_bank_file(
        "viitemaksut.txt",
        base64.b64encode(
            ktl_file(
                [
                    (aino["reference"], 2000, "AINO", last_month),  # 20.00 of 60.00 last month
                    (aino["reference"], 4000, "AINO", today),  # the rest this month
                    (bruno["reference"], 2500, "BRUNO", today),  # half of 50.00
                ]
            )
        ).decode(),
    )
    assert paid["matched"] == 3, paid

    report = service.settlement_report(month_of(today))
    figures = {
        row["name"]: {k: row[k] for k in ("invoiced", "credited", "paid", "owed")}
        for row in report["parties"]
    }
    # Aino's 40.00: 60.00 paid in all less 20.00 before (10.00 / 6.67 / 3.33 by D'Hondt cents);
    # Bruno's 25.00 shared 30:20
    assert figures == {
        "Liitto ry": {"invoiced": "60.00", "credited": "30.00", "paid": "35.00", "owed": "35.00"},
        "Paikallisyhdistys ry": {"invoiced": "40.00", "credited": "20.00", "paid": "23.33", "owed": "23.33"},
    }
    assert report["own"]["paid"] == "6.67" and report["totals"]["paid"] == "65.00"
    earlier = service.settlement_report(month_of(last_month))
    assert [row["paid"] for row in earlier["parties"]] == ["10.00", "6.67"]
    assert (earlier["own"]["invoiced"], earlier["own"]["paid"]) == ("10.00", "3.33")
    year = service.settlement_report(str(today.year))
    assert year["totals"]["paid"] == ("85.00" if last_month.year == today.year else "65.00")

    made = service.settlement_file(month_of(today), "xlsx", "en")
    sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(made["data"]))).active
    rows = [row for row in sheet.iter_rows(values_only=True) if row and row[0]]
    assert ("Liitto ry", "0201256-6", "FI4947300010416310", 60, 30, 35, 35) in rows
    with pytest.raises(ValidationFailed) as error:
        service.settlement_report("2027-13")
    assert error.value.details == {"period": ["billing.period_invalid"]}

    # B1: the fee's split edited: a district association takes the local association's part. A wrong sum
    # or an unknown party is refused; invoices issued before keep their frozen split; the report follows.
    piiri = service.create_party({"name": "Piiriyhdistys ry", "business_id": "1234567-1"})
    with pytest.raises(ValidationFailed) as error:
        service.set_fee_type_components(fee["id"], [{"party_id": piiri["id"], "amount": "49.99"}])
    assert error.value.details == {
        "components": [{"code": "billing.components_sum", "params": {"sum": "49.99", "amount": "50.00"}}]
    }
    with pytest.raises(ValidationFailed) as error:
        service.set_fee_type_components(fee["id"], [{"party_id": people[0], "amount": "50.00"}])
    assert error.value.details == {"components.0.party_id": ["billing.party_unknown"]}
    with pytest.raises(NotFound):
        service.set_fee_type_components(people[0], [])
    edited = service.set_fee_type_components(
        fee["id"],
        [{"party_id": liitto["id"], "amount": "30.00"}, {"party_id": piiri["id"], "amount": "20.00"}],
    )
    assert [c["party_name"] for c in edited["components"]] == ["Liitto ry", "Piiriyhdistys ry"]
    dora = billing.contacts.create_contact({"first_name": "Dora", "last_name": "Jäsen", **ADDRESS})["id"]
    new = service.create_invoice({"contact_id": dora, "fee_type_id": fee["id"]})
    assert [part["party_name"] for part in new["lines"][0]["split"]] == ["Liitto ry", "Piiriyhdistys ry"]
    assert service.get_invoice(bruno["id"])["lines"][0]["split"][1]["party_name"] == "Paikallisyhdistys ry"
    invoiced = {row["name"]: row["invoiced"] for row in service.settlement_report(month_of(today))["parties"]}
    assert invoiced == {"Liitto ry": "90.00", "Paikallisyhdistys ry": "40.00", "Piiriyhdistys ry": "20.00"}
