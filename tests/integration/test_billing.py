"""B1-B4 over the real broker and databases: fee types, single invoices, PDFs, Finvoice and credit notes;
invoice runs for a group (subgroups, couples, exclusions) through the billing worker, idempotent and
resumed after a crash; the real bank files (services/billing/tests/fixtures/) matched to invoices;
the access report and erasure of a person's invoices (G3, G4)."""

import base64
import io
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest
from lxml import etree
from sqlalchemy import text

from conftest import ALL_PERMISSIONS, make_actor
from piiri.db import WorkerDatabase
from piiri.errors import Conflict, NotFound, ValidationFailed
from services.audit.service import AuditService
from services.billing.runs import running
from services.billing.service import BillingService
from services.billing.settings import from_config
from services.billing.worker import BillingWorker
from services.contacts.service import ContactsService
from tests.events import event_recorder, wait_for

FIXTURES = Path(__file__).resolve().parents[2] / "services" / "billing" / "tests" / "fixtures"
TREASURER = make_actor(
    "treasurer-tester",
    permissions=(*ALL_PERMISSIONS, "invoices.manage", "groups.manage"),
    roles=("treasurer",),
)
OFFICER = make_actor("billing-dpo", permissions=(*ALL_PERMISSIONS, "gdpr.officer"), roles=("dpo",))
# The sample files' accounts: the camt.054's IBAN and the KTL's BBAN as an IBAN.
BILLING = {
    "BILLING_IBAN": "FI2112345600000785",
    "BILLING_ACCOUNTS": "FI2112345600000785,FI1431313001234567,FI4947300010416310",
    "BILLING_PAYEE_BUSINESS_ID": "1234567-8",
    "GDPR_SERVICES": "contacts,audit,billing",
    "OUTBOX_KEEP_SECONDS": 0,
}
ADDRESS = {"street": "Kuja 1", "postal_code": "00100", "city": "Helsinki"}
BillingEvents, received = event_recorder(
    "billing_events_test", "invoice_paid", "payment_unmatched", source="billing"
)


@pytest.fixture
def billing(run_services, rpc):
    run_services(
        ContactsService, AuditService, BillingService, BillingWorker, BillingEvents, extra_config=BILLING
    )
    with rpc(TREASURER) as cluster:
        yield cluster


def person(contacts, first, last="Laskutettava", **values):
    return contacts.create_contact({"first_name": first, "last_name": last, **ADDRESS, **values})["id"]


def fee(cluster, name="Jäsenmaksu 2027", amount="50.00", vat_class="none"):
    return cluster.billing.create_fee_type(
        {"name": name, "amount": amount, "vat_class": vat_class, "account": "3010"}
    )


def wait_run(cluster, run_id, seconds=30):
    return wait_for(
        lambda: (lambda run: run if run["status"] in ("done", "failed") else None)(
            cluster.billing.get_run(run_id)
        ),
        seconds,
    )


def audit_actions(engines, contact_id):
    with engines["audit"].connect() as conn:
        rows = conn.execute(
            text("SELECT action FROM audit_events WHERE :id = ANY(subject_ids)"), {"id": contact_id}
        )
        return {row.action for row in rows}


def test_b1_b2_b3_single_invoice_pdf_finvoice_and_credit_note(billing, clean_databases):
    anna = person(billing.contacts, "Anna", language="sv")
    membership = fee(billing)
    invoice = billing.billing.create_invoice(
        {
            "contact_id": anna,
            "fee_type_id": membership["id"],
            "lines": [
                {
                    "description": "Kirja",
                    "unit_price": "19.90",
                    "quantity": "2",
                    "vat_class": "reduced_culture",
                }
            ],
        }
    )
    assert invoice["number"] == 1000 and invoice["kind"] == "invoice" and invoice["status"] == "open"
    assert (invoice["reference"], invoice["rf_reference"]) == ("10003", "RF6810003")
    assert invoice["payer_name"] == "Anna Laskutettava" and invoice["language"] == "sv"
    # The book's rate is the one of today's date (13.5 % since 2026-01-01); the fee has no VAT.
    assert [line["vat_rate"] for line in invoice["lines"]] == ["0.00", "13.50"]
    assert (invoice["net_total"], invoice["vat_total"], invoice["total"]) == ("89.80", "5.37", "95.17")

    with pytest.raises(Conflict) as error:  # one live invoice per payer and fee
        billing.billing.create_invoice({"contact_id": anna, "fee_type_id": membership["id"]})
    assert error.value.message == "billing.already_invoiced"
    with pytest.raises(ValidationFailed) as error:
        billing.billing.create_invoice(
            {"contact_id": anna, "lines": [{"description": "x", "unit_price": "1.001"}]}
        )
    assert error.value.details == {"lines.0.unit_price": ["billing.amount_precision"]}
    with pytest.raises(NotFound):
        billing.billing.create_invoice(
            {"contact_id": "6f1c3a52-6d3e-4b8e-9a51-3f2f0d7c1a10", "fee_type_id": membership["id"]}
        )

    made = billing.billing.invoice_pdf(invoice["id"])
    text_ = pypdf.PdfReader(io.BytesIO(base64.b64decode(made["data"]))).pages[0].extract_text()
    assert "FAKTURA" in text_ and "Anna Laskutettava" in text_
    assert "421123456000007850000951700000000000000000010003" in text_  # the virtual barcode, v4, 95.17 €
    xml = etree.fromstring(base64.b64decode(billing.billing.invoice_finvoice(invoice["id"])["data"]))
    assert xml.findtext("InvoiceDetails/InvoiceTotalVatIncludedAmount") == "95,17"

    note = billing.billing.credit_invoice(invoice["id"])
    assert note["kind"] == "credit_note" and note["number"] == 1001 and note["total"] == "-95.17"
    assert note["credited_invoice_id"] == invoice["id"]
    note_pdf = base64.b64decode(billing.billing.invoice_pdf(note["id"])["data"])  # made on demand
    assert (
        f"Krediterar faktura {invoice['number']}"
        in pypdf.PdfReader(io.BytesIO(note_pdf)).pages[0].extract_text()
    )
    credited = billing.billing.get_invoice(invoice["id"])
    assert credited["status"] == "credited" and credited["open_amount"] == "0.00"  # nothing owed any more
    page = billing.billing.invoice_page(invoice["id"])  # the invoice page's one read (B1-B4)
    assert page["invoice"] == credited and page["credit_notes"][0]["number"] == note["number"]
    assert (page["sending_refused"], page["einvoice_defaults"], page["emails"]) == (
        "billing.einvoice_credited",
        None,
        [],
    )
    assert billing.billing.invoice_page(note["id"])["sending_refused"] == "billing.einvoice_credit_note"
    for target, code in ((invoice, "credited"), (note, "credit_note")):  # B3: neither is sent
        with pytest.raises(Conflict) as refused:
            billing.billing.send_einvoice(
                target["id"], {"to_identifier": "003798765432", "to_intermediator": "003721291126"}
            )
        assert (refused.value.message, refused.value.status) == (f"billing.einvoice_{code}", 409)
        with pytest.raises(Conflict) as refused:
            billing.billing.send_invoice_by_email(target["id"])
        assert refused.value.message == f"billing.email_{code}"
    with pytest.raises(Conflict):
        billing.billing.credit_invoice(invoice["id"])
    again = billing.billing.create_invoice({"contact_id": anna, "fee_type_id": membership["id"]})
    assert again["number"] == 1002  # gap-free; the credited invoice no longer blocks its fee
    assert wait_for(
        lambda: (
            {
                "invoice.created",
                "invoice.viewed",
                "invoice.pdf_read",
                "invoice.finvoice_read",
                "invoice.credited",
            }
            <= audit_actions(clean_databases, anna)
        )
    )


def test_b1_run_preview_and_run_for_a_group_with_subgroups_couples_and_exclusions(billing):
    contacts = billing.contacts
    board = contacts.create_group("Hallitus")
    youth = contacts.create_group("Nuoret", parent_id=board["id"])
    people = {
        "anna": person(contacts, "Anna", "Pari"),
        "bertil": person(contacts, "Bertil", "Pari"),
        "dead": person(contacts, "Kuollut"),
        "nowhere": contacts.create_contact({"first_name": "Osoitteeton", "last_name": "X"})["id"],
        "paid": person(contacts, "Jo", "Laskutettu"),
        "ok": person(contacts, "Olli", "Jäsen"),
    }
    contacts.mark_deceased(people["dead"], {"deceased_on": "2020-01-01"})
    contacts.add_members(board["id"], list(people.values()))
    child = person(contacts, "Nuori", "Jäsen")
    contacts.add_members(youth["id"], [child])
    contacts.link_couple({"contact_ids": [people["anna"], people["bertil"]]})
    membership = fee(billing, amount="35.00")
    billing.billing.create_invoice({"contact_id": people["paid"], "fee_type_id": membership["id"]})

    request = {
        "fee_type_id": membership["id"],
        "per_couple": True,
        "selection": {"kind": "group", "id": board["id"], "include_subgroups": False},
    }
    preview = billing.billing.preview_run(request)
    assert preview["count"] == 2 and preview["total"] == "70.00" and preview["amount_each"] == "35.00"
    assert preview["excluded"] == {"couple_partner": 1, "deceased": 1, "no_address": 1, "already_invoiced": 1}
    couple_name = next(row["name"] for row in preview["payers"] if row["partner_id"])
    assert couple_name in ("Anna ja Bertil Pari", "Bertil ja Anna Pari")  # the contacts service's order
    assert {row["name"] for row in preview["payers"]} == {couple_name, "Olli Jäsen"}
    request["selection"]["include_subgroups"] = True
    assert billing.billing.preview_run(request)["count"] == 3

    run = billing.billing.start_run(request)
    assert run["status"] == "queued"
    done = wait_run(billing, run["id"])
    assert done["status"] == "done" and done["invoices_created"] == 3 and done["total"] == "105.00"
    assert done["excluded"] == preview["excluded"]
    made = billing.billing.list_invoices(run_id=run["id"])["items"]
    assert sorted(item["number"] for item in made) == [1001, 1002, 1003]  # after the single invoice 1000
    couple = next(item for item in made if item["partner_id"])
    assert couple["payer_name"] == couple_name

    second = billing.billing.start_run(request)  # the same run again invoices nobody twice
    again = wait_run(billing, second["id"])
    assert again["invoices_created"] == 0 and again["excluded"]["already_invoiced"] == 4
    assert billing.billing.list_invoices()["total"] == 4


def test_b1_a_run_that_crashed_mid_way_resumes_at_its_cursor(run_services, rpc, clean_databases, config):
    run_services(ContactsService, AuditService, BillingService, extra_config=BILLING)  # no worker yet
    with rpc(TREASURER) as cluster:
        group = cluster.contacts.create_group("Jäsenet")
        ids = [person(cluster.contacts, f"Henkilö{n}", "Ajo") for n in range(5)]
        cluster.contacts.add_members(group["id"], ids)
        membership = fee(cluster)
        run = cluster.billing.start_run(
            {"fee_type_id": membership["id"], "selection": {"kind": "group", "id": group["id"]}}
        )
        pages = []

        def crashing_fetch(cursor):
            if pages:
                raise RuntimeError("the worker died")
            pages.append(cursor)
            return cluster.contacts.payer_page({"kind": "group", "id": group["id"]}, cursor, 2)

        db = WorkerDatabase(clean_databases["billing"])
        row = (
            db.session.execute(text("SELECT * FROM invoice_runs WHERE id = :id"), {"id": run["id"]})
            .mappings()
            .one()
        )
        fee_row = db.session.execute(text("SELECT * FROM fee_types")).mappings().one()
        db.session.rollback()
        with pytest.raises(RuntimeError):
            running.run(db, from_config(BILLING), dict(row), dict(fee_row), crashing_fetch)
        db.close()
        stopped = cluster.billing.get_run(run["id"])
        assert (
            stopped["pages_done"] == 1 and stopped["invoices_created"] == 2 and stopped["status"] == "queued"
        )

    run_services(BillingWorker, extra_config=BILLING)  # the queued message: a worker resumes the run
    with rpc(TREASURER) as cluster:
        done = wait_run(cluster, run["id"])
        assert done["status"] == "done" and done["invoices_created"] == 5
        numbers = sorted(item["number"] for item in cluster.billing.list_invoices()["items"])
        assert numbers == [1000, 1001, 1002, 1003, 1004]


def set_next_number(engines, number):
    with engines["billing"].begin() as conn:
        conn.execute(
            text("UPDATE number_counters SET next_number = :n WHERE series = 'invoice'"), {"n": number}
        )
        if not conn.execute(text("SELECT 1 FROM number_counters WHERE series = 'invoice'")).first():
            conn.execute(text("INSERT INTO number_counters VALUES ('invoice', :n)"), {"n": number})


def invoice_numbered(cluster, engines, number, contact_id, amount):
    """An invoice whose reference is the one the sample bank files pay (number + 7-3-1 check digit)."""
    set_next_number(engines, number)
    return cluster.billing.create_invoice(
        {"contact_id": contact_id, "lines": [{"description": "Lasku", "unit_price": amount}]}
    )


def upload(cluster, name):
    return cluster.billing.import_bank_file(name, base64.b64encode((FIXTURES / name).read_bytes()).decode())


def test_b4_real_bank_files_matched_by_reference_once_with_an_unmatched_queue(billing, clean_databases):
    contacts = billing.contacts
    payer = person(contacts, "Maksaja", "Yksi")
    partly = invoice_numbered(billing, clean_databases, 959734, payer, "100.00")  # ref 9597349: 88.16 paid
    exactly = invoice_numbered(billing, clean_databases, 954420, payer, "742.45")  # ref 9544208
    over = invoice_numbered(billing, clean_databases, 1301, payer, "40.00")  # ref 13013: 49.00 paid (KTL)
    waiting = invoice_numbered(billing, clean_databases, 5000, person(contacts, "Debtor", "Name"), "216.85")
    assert (partly["reference"], exactly["reference"], over["reference"]) == ("9597349", "9544208", "13013")

    result = upload(billing, "camt054_fi_example_jbank.xml")
    assert (result["format"], result["new"], result["matched"], result["unmatched"]) == ("camt", 4, 2, 2)
    assert upload(billing, "camt054_fi_example_jbank.xml")["new"] == 0  # the same file again: nothing new
    ktl = upload(billing, "ktl_sample_jbank.SVM")
    assert (ktl["format"], ktl["new"], ktl["matched"]) == ("ktl", 1, 1)

    assert billing.billing.get_invoice(partly["id"])["status"] == "partly_paid"
    assert billing.billing.get_invoice(partly["id"])["open_amount"] == "11.84"
    assert billing.billing.get_invoice(exactly["id"])["status"] == "paid"
    overpaid = billing.billing.get_invoice(over["id"])
    assert overpaid["status"] == "overpaid" and overpaid["open_amount"] == "-9.00"

    queue = billing.billing.list_payments(status="unmatched")["items"]
    assert sorted(item["amount"] for item in queue) == ["216.85", "6000.54"]
    debtor = next(item for item in queue if item["amount"] == "216.85")
    assert debtor["unmatched_reason"] == "no_reference"
    suggestion = debtor["suggestions"][0]
    assert suggestion["invoice_id"] == waiting["id"] and set(suggestion["reasons"]) == {
        "amount",
        "payer_name",
    }
    paid = billing.billing.match_payment(debtor["id"], waiting["id"])
    assert paid["status"] == "paid"
    with pytest.raises(Conflict):
        billing.billing.match_payment(debtor["id"], waiting["id"])

    paid_ids = {exactly["id"], over["id"], waiting["id"]}

    def paid_events():
        found = [
            payload
            for kind, payload in received
            if kind == "invoice_paid" and payload["invoice_id"] in paid_ids
        ]
        return found if len(found) == 3 else None

    events = wait_for(paid_events)
    assert events and {event["status"] for event in events} == {"paid", "overpaid"}
    assert {event["contact_id"] for event in events} == {payer, waiting["contact_id"]}

    # no suggestion fits: matched by the number printed on the invoice (a bad or unknown number refused)
    big = next(item for item in queue if item["amount"] == "6000.54")
    with pytest.raises(ValidationFailed):
        billing.billing.match_payment(big["id"], None, "12-34")
    with pytest.raises(NotFound):
        billing.billing.match_payment(big["id"], None, "999999999")
    by_number = billing.billing.match_payment(big["id"], None, str(over["number"]))
    assert by_number["id"] == over["id"] and by_number["status"] == "overpaid"

    waiting_ids = {item["id"] for item in queue}  # this run's payments (the durable queue may hold others')

    def unmatched_events():
        return [
            payload
            for kind, payload in received
            if kind == "payment_unmatched" and payload["payment_id"] in waiting_ids
        ]

    assert len(wait_for(lambda: len(unmatched_events()) >= 2 and unmatched_events())) == 2


def camt054(entries, iban="FI2112345600000785"):
    """A small camt.054: ``entries`` = [(archive id, [(amount, reference), ...]), ...], one entry each."""
    ns = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"
    body = []
    for archive, transactions in entries:
        details = "".join(
            f'<TxDtls><AmtDtls><TxAmt><Amt Ccy="EUR">{amount}</Amt></TxAmt></AmtDtls><RmtInf><Strd>'
            f"<CdtrRefInf><Ref>{reference}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls>"
            for amount, reference in transactions
        )
        total = sum(Decimal(amount) for amount, _ in transactions)
        body.append(
            f'<Ntry><Amt Ccy="EUR">{total}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
            f"<BookgDt><Dt>2027-02-01</Dt></BookgDt><AcctSvcrRef>{archive}</AcctSvcrRef>"
            f"<NtryDtls>{details}</NtryDtls></Ntry>"
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="{ns}"><BkToCstmrDbtCdtNtfctn><Ntfctn>'
        f"<Acct><Id><IBAN>{iban}</IBAN></Id></Acct>{''.join(body)}</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>"
    ).encode()


def test_b4_payments_of_one_invoice_in_one_file_add_up_and_an_overlapping_file_counts_none_twice(
    billing, clean_databases
):
    """B4, set-based matching: two payments of one invoice in one file add up as two files would (one
    invoice_paid when the second completes it); a second file repeating one of them (same archive id)
    records only its new payment; an entry repeated inside a file is recorded once."""
    payer = person(billing.contacts, "Kaksi", "Erää")
    invoice = invoice_numbered(billing, clean_databases, 5100, payer, "100.00")
    other = invoice_numbered(billing, clean_databases, 5200, payer, "20.00")
    first = camt054([("ARC-1", [("60.00", invoice["reference"]), ("40.00", invoice["reference"])])])
    result = billing.billing.import_bank_file("kaksi.xml", base64.b64encode(first).decode())
    assert (result["new"], result["matched"], result["unmatched"]) == (2, 2, 0)
    paid = billing.billing.get_invoice(invoice["id"])
    assert (paid["status"], paid["open_amount"]) == ("paid", "0.00")
    overlapping = camt054(
        [
            ("ARC-1", [("60.00", invoice["reference"]), ("40.00", invoice["reference"])]),
            ("ARC-2", [("25.00", other["reference"])]),
            ("ARC-2", [("25.00", other["reference"])]),
        ]
    )
    again = billing.billing.import_bank_file("limittain.xml", base64.b64encode(overlapping).decode())
    assert (again["new"], again["duplicate"], again["matched"]) == (1, 3, 1)
    assert billing.billing.get_invoice(invoice["id"])["status"] == "paid"  # not paid twice over
    assert billing.billing.get_invoice(other["id"])["status"] == "overpaid"
    with clean_databases["billing"].connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM payments")).scalar() == 3
        events = (
            conn.execute(text("SELECT payload FROM outbox WHERE routing_key = 'invoice_paid'"))
            .scalars()
            .all()
        )
    assert sorted(event["invoice_id"] for event in events) == sorted([invoice["id"], other["id"]])
    assert next(e for e in events if e["invoice_id"] == invoice["id"])["paid_amount"] == "100.00"


def test_b4_a_file_for_another_account_or_broken_is_refused_and_records_nothing(billing, clean_databases):
    data = (
        (FIXTURES / "camt054_fi_example_jbank.xml")
        .read_bytes()
        .replace(b"FI1431313001234567", b"FI9999999999999999")
    )
    with pytest.raises(ValidationFailed) as error:
        billing.billing.import_bank_file("other.xml", base64.b64encode(data).decode())
    assert error.value.message == "billing.bank_file_unknown_account"
    [problem] = error.value.details["file"]
    assert problem["params"]["file"] == "other.xml" and problem["params"]["element"] == "Ntry 1"
    broken = (FIXTURES / "ktl_sample_jbank.SVM").read_bytes()[:200]
    with pytest.raises(ValidationFailed) as error:
        billing.billing.import_bank_file("cut.SVM", base64.b64encode(broken).decode())
    assert error.value.details["file"][0]["code"].startswith("billing.bank_file_")
    with clean_databases["billing"].connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM payments")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM bank_files")).scalar() == 0


def test_g3_g4_invoices_in_the_access_report_and_pseudonymised_by_erasure(billing, rpc, clean_databases):
    who = person(billing.contacts, "Poistuva", "Henkilö", email="poistuva@example.fi")
    other = person(billing.contacts, "Jäävä", "Henkilö")
    kept = billing.billing.create_invoice(
        {"contact_id": who, "lines": [{"description": "Maksu", "unit_price": "20.00"}]}
    )
    untouched = billing.billing.create_invoice(
        {"contact_id": other, "lines": [{"description": "Maksu", "unit_price": "5.00"}]}
    )
    with rpc(OFFICER) as officer:
        report = officer.billing.personal_data(who)
        assert [item["number"] for item in report["sections"]["invoices"]] == [kept["number"]]
        erasure = officer.contacts.request_erasure(who, "the person asked")
        assert "billing" in erasure["services"]
        assert wait_for(lambda: officer.contacts.get_erasure(erasure["id"])["completed_at"], seconds=10)
    after = billing.billing.get_invoice(kept["id"])
    assert (after["number"], after["total"], after["reference"]) == (
        kept["number"],
        "20.00",
        kept["reference"],
    )
    assert after["payer_name"] == "—" and after["street"] is None and after["contact_id"] is None
    assert after["erased_at"]
    assert billing.billing.get_invoice(untouched["id"])["payer_name"] == "Jäävä Henkilö"
    with clean_databases["billing"].connect() as conn:
        stored = " ".join(conn.execute(text("SELECT t::text FROM invoices t")).scalars())
        stored += " ".join(conn.execute(text("SELECT t::text FROM outbox t")).scalars())
    for value in ("Poistuva", "poistuva@example.fi", who):
        assert value not in stored


def test_b1_payer_references_number_a_pages_new_payers_once_and_count_each_invoice(clean_databases):
    """B1, the "payer" reference scheme (BILLING_REFERENCE_SCHEME=payer): a page's payers are looked up
    together (invoices.storage.payer_sequences), with the numbers and sequences one-by-one issuing gives:
    a new payer gets the next payer number, each invoice the payer's next sequence, even twice on a page."""
    import uuid

    from services.billing.invoices import storage as invoice_storage

    anna, bertil = uuid.uuid4(), uuid.uuid4()
    db = WorkerDatabase(clean_databases["billing"])
    try:
        with db.transaction() as session:
            assert invoice_storage.payer_sequences(session, [anna]) == [(1, 1)]
        with db.transaction() as session:
            found = invoice_storage.payer_sequences(session, [bertil, anna, bertil])
            assert found == [(2, 1), (1, 2), (2, 2)]
        with db.transaction() as session:
            assert invoice_storage.payer_sequences(session, [anna, bertil]) == [(1, 3), (2, 3)]
    finally:
        db.close()
