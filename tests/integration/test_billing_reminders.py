"""B4 reminders over the real broker and databases: a reminder run's preview (level, fee, interest per
invoice; who is left out and why), the run through the billing worker, run twice = one reminder per
invoice and level, a run that crashed mid-way resumed at its cursor, the charges owed with the invoice,
the reminder PDF, the collection list and its export, a reminder e-invoice tried again after the
operator was away, and the access report and erasure of a person's reminders (G3, G4)."""

import base64
import io
from datetime import date, timedelta
from decimal import Decimal

import pypdf
import pytest
from sqlalchemy import text

from conftest import ALL_PERMISSIONS, make_actor
from piiri import clock
from piiri.db import WorkerDatabase
from piiri.errors import Conflict, ValidationFailed
from services.audit.service import AuditService
from services.billing.reminders import running
from services.billing.service import BillingService
from services.billing.settings import from_config
from services.billing.worker import BillingWorker
from services.contacts.service import ContactsService
from tests.conftest import einvoice_settings
from tests.events import wait_for
from tests.integration.test_billing import audit_actions
from tests.integration.test_einvoice import TO_COMPANY

TREASURER = make_actor(
    "reminder-treasurer", permissions=(*ALL_PERMISSIONS, "invoices.manage"), roles=("treasurer",)
)
OFFICER = make_actor("reminder-dpo", permissions=(*ALL_PERMISSIONS, "gdpr.officer"), roles=("dpo",))
BILLING = {"BILLING_PAYEE_BUSINESS_ID": "1234567-8", "GDPR_SERVICES": "contacts,audit,billing"}
ADDRESS = {"street": "Kuja 1", "postal_code": "00100", "city": "Helsinki"}
TODAY = clock.today()
DUE = TODAY - timedelta(days=120)


def half_years(start, end):
    day = date(start.year, 1 if start.month <= 6 else 7, 1)
    while day <= end:
        yield day
        day = date(day.year, 7, 1) if day.month == 1 else date(day.year + 1, 1, 1)


def cover_rates(billing):
    """Add a rate (test data, 2.50 %) for each half-year since DUE the built-in table lacks."""
    known = {row["valid_from"] for row in billing.reminder_settings()["rates"]}
    for day in half_years(DUE, TODAY):
        if day.isoformat() not in known:
            billing.put_reference_rate({"valid_from": day.isoformat(), "rate": "2.50"})


def overdue(cluster, contact_id, amount="100.00"):
    return cluster.billing.create_invoice(
        {
            "contact_id": contact_id,
            "invoice_date": (DUE - timedelta(days=14)).isoformat(),
            "due_date": DUE.isoformat(),
            "lines": [{"description": "Jäsenmaksu", "unit_price": amount}],
        }
    )


def wait_done(cluster, run_id):
    return wait_for(
        lambda: (lambda run: run if run["status"] in ("done", "failed") else None)(
            cluster.billing.get_reminder_run(run_id)
        ),
        30,
    )


def on(days):
    return (DUE + timedelta(days=days)).isoformat()


def test_b4_reminder_run_preview_run_twice_payment_pdf_collection(run_services, rpc, clean_databases):
    run_services(ContactsService, AuditService, BillingService, BillingWorker, extra_config=BILLING)
    with rpc(TREASURER) as cluster:
        contacts = cluster.contacts
        anna = contacts.create_contact({"first_name": "Anna", "last_name": "Muistutettava", **ADDRESS})["id"]
        acme = contacts.create_contact({"kind": "organisation", "organisation_name": "Acme Oy", **ADDRESS})[
            "id"
        ]
        held = contacts.create_contact({"first_name": "Kiistävä", "last_name": "X", **ADDRESS})["id"]
        cover_rates(cluster.billing)
        anna_invoice = overdue(cluster, anna)
        acme_invoice = overdue(cluster, acme, "200.00")
        held_invoice = overdue(cluster, held)
        cluster.billing.set_invoice_hold(held_invoice["id"], True)
        with pytest.raises(ValidationFailed) as future:
            cluster.billing.preview_reminder_run({"reminder_date": (TODAY + timedelta(days=1)).isoformat()})
        assert future.value.details == {"reminder_date": ["billing.reminder_date_in_future"]}

        early = cluster.billing.preview_reminder_run({"reminder_date": on(10)})
        assert early["count"] == 0 and early["excluded"] == {"not_yet_overdue": 2, "on_hold": 1}

        preview = cluster.billing.preview_reminder_run({"reminder_date": on(21)})
        assert preview["count"] == 2 and preview["excluded"] == {"on_hold": 1}
        planned = {item["number"]: item for item in preview["items"]}
        mine = planned[anna_invoice["number"]]
        assert (mine["level"], mine["days_overdue"], mine["receivable"], mine["fee"]) == (
            1,
            21,
            "consumer",
            "5.00",
        )
        assert planned[acme_invoice["number"]]["receivable"] == "business"
        assert Decimal(mine["total"]) == Decimal("105.00") + Decimal(mine["interest"])
        assert Decimal(mine["interest"]) > 0 and mine["interest_rate"]

        run = cluster.billing.start_reminder_run({"reminder_date": on(21)})
        done = wait_done(cluster, run["id"])
        assert done["status"] == "done" and done["reminders_created"] == 2, done
        again = wait_done(cluster, cluster.billing.start_reminder_run({"reminder_date": on(21)})["id"])
        assert again["reminders_created"] == 0 and again["excluded"]["interval_not_passed"] == 2
        listed = cluster.billing.invoice_reminders(anna_invoice["id"])["items"]
        assert [(item["level"], item["delivery"], item["delivery_status"]) for item in listed] == [
            (1, "print", "ready")
        ]
        first = listed[0]
        assert first["total"] == mine["total"] and first["interest"] == mine["interest"]

        pdf = cluster.billing.reminder_pdf(first["id"])
        words = pypdf.PdfReader(io.BytesIO(base64.b64decode(pdf["data"]))).pages[0].extract_text()
        assert "MAKSUMUISTUTUS" in words and anna_invoice["reference"] in words.replace(" ", "")

        # Two more levels, then collection: the last reminder's due date + 14 days has passed by now.
        for days in (35, 49):
            assert (
                wait_done(cluster, cluster.billing.start_reminder_run({"reminder_date": on(days)})["id"])[
                    "reminders_created"
                ]
                == 2
            )
        third = wait_done(cluster, cluster.billing.start_reminder_run({"reminder_date": on(63)})["id"])
        assert third["reminders_created"] == 0 and third["excluded"]["last_level_sent"] == 2
        found = cluster.billing.collection_list()
        assert {item["invoice_number"] for item in found["items"]} == {
            anna_invoice["number"],
            acme_invoice["number"],
        }
        anna_row = next(item for item in found["items"] if item["invoice_number"] == anna_invoice["number"])
        assert anna_row["fees_open"] == "15.00" and anna_row["last_level"] == 3
        export = base64.b64decode(cluster.billing.collection_export("csv")["data"]).decode("utf-8-sig")
        assert "Anna Muistutettava" in export and "Acme Oy" in export and "Kiistävä" not in export

        invoice = cluster.billing.get_invoice(anna_invoice["id"])
        charges = Decimal(invoice["reminder_fees"]) + Decimal(invoice["reminder_interest"])
        assert invoice["reminder_fees"] == "15.00" and Decimal(invoice["open_amount"]) == 100 + charges

        # Anna pays the invoice's 100.00 from the bank: it pays the fees and interest first, so 15.00 +
        # interest of the principal stays open and the invoice is partly paid (still for collection).
        paid = cluster.billing.import_bank_file("muistutus.SVM", ktl(anna_invoice["reference"], 10000))
        assert paid["matched"] == 1, paid
        invoice = cluster.billing.get_invoice(anna_invoice["id"])
        assert invoice["status"] == "partly_paid" and Decimal(invoice["open_amount"]) == charges
        owed = next(
            i for i in cluster.billing.collection_list()["items"] if i["invoice_number"] == invoice["number"]
        )
        assert (owed["fees_open"], owed["interest_open"]) == ("0.00", "0.00")
        assert Decimal(owed["principal_open"]) == charges


def test_b4_a_reminder_run_that_crashed_mid_way_resumes_at_its_cursor(run_services, rpc, clean_databases):
    run_services(ContactsService, AuditService, BillingService, extra_config=BILLING)  # no worker yet
    with rpc(TREASURER) as cluster:
        cover_rates(cluster.billing)
        payers = [
            cluster.contacts.create_contact(
                {"first_name": f"Henkilö{n}", "last_name": "Myöhässä", **ADDRESS}
            )["id"]
            for n in range(5)
        ]
        for payer in payers:
            overdue(cluster, payer)
        run = cluster.billing.start_reminder_run({"reminder_date": on(20)})
        calls = []

        def crashing_fetch(ids):
            if calls:
                raise RuntimeError("the worker died")
            calls.append(ids)
            page = cluster.contacts.payer_page({"kind": "ids", "ids": ids}, None, 1000)
            return {row["id"]: row for row in page["items"]}

        db = WorkerDatabase(clean_databases["billing"])
        row = db.session.execute(text("SELECT * FROM reminder_runs WHERE id = :id"), {"id": run["id"]})
        row = dict(row.mappings().one())
        db.session.rollback()
        with pytest.raises(RuntimeError):
            running.run(db, from_config(BILLING), row, crashing_fetch, {"config": {}}, batch_size=2)
        db.close()
        stopped = cluster.billing.get_reminder_run(run["id"])
        assert stopped["reminders_created"] == 2 and stopped["status"] == "queued"

    run_services(BillingWorker, extra_config=BILLING)  # the queued message: a worker resumes the run
    with rpc(TREASURER) as cluster:
        done = wait_done(cluster, run["id"])
        assert done["status"] == "done" and done["reminders_created"] == 5
        with clean_databases["billing"].connect() as conn:
            levels = conn.execute(text("SELECT count(*), count(DISTINCT invoice_id) FROM reminders")).one()
        assert tuple(levels) == (5, 5)


def test_b4_a_reminder_einvoice_the_operator_did_not_take_is_tried_again_and_shown_on_the_page(
    run_services, rpc, clean_databases, einvoice_operator
):
    """B4 (and B3): the operator is away when the reminder run sends a reminder's e-invoice: the reminder
    is failed with the reason and a next try; the try when the operator is back sends it, once."""
    config = {**BILLING, **einvoice_settings(einvoice_operator), "BILLING_REMINDER_RETRY_SECONDS": "0"}
    run_services(ContactsService, AuditService, BillingService, BillingWorker, extra_config=config)
    with rpc(TREASURER) as cluster:
        cover_rates(cluster.billing)
        company = cluster.contacts.create_contact(
            {"kind": "organisation", "organisation_name": "Verkko Oy", **ADDRESS}
        )["id"]
        invoice = overdue(cluster, company)
        sent = cluster.billing.send_einvoice(invoice["id"], TO_COMPANY)
        assert sent["status"] == "accepted"
        einvoice_operator.mailbox.unavailable = 1  # away for the reminder's post
        done = wait_done(cluster, cluster.billing.start_reminder_run({"reminder_date": on(21)})["id"])
        assert done["reminders_created"] == 1, done
        page = cluster.billing.invoice_page(invoice["id"])
        failed = page["reminders"][0]
        assert (failed["delivery"], failed["delivery_status"], failed["delivery_detail"]) == (
            "einvoice",
            "failed",
            "billing.einvoice_operator_unavailable",
        )
        assert failed["delivery_attempts"] == 1 and failed["next_attempt_at"]
        retrying = cluster.billing.get_reminder_run(done["id"])["einvoices"]  # the run's page shows it too
        assert retrying == {
            "sent": 0,
            "waiting": 0,
            "retrying": 1,
            "failed": 0,
            "next_attempt_at": failed["next_attempt_at"],
        }
        assert cluster.billing.retry_reminder_einvoices() == {"sent": 1, "failed": 0, "given_up": 0}
        assert cluster.billing.get_reminder_run(done["id"])["einvoices"]["sent"] == 1
        again = cluster.billing.invoice_reminders(invoice["id"])["items"][0]
        assert (again["delivery_status"], again["delivery_attempts"], again["next_attempt_at"]) == (
            "sent",
            2,
            None,
        )
        assert again["delivery_detail"] in einvoice_operator.mailbox.messages
        assert len(einvoice_operator.mailbox.messages) == 2  # the invoice and its reminder, once
        assert cluster.billing.retry_reminder_einvoices() == {"sent": 0, "failed": 0, "given_up": 0}
        assert wait_for(lambda: "reminder.einvoice_sent" in audit_actions(clean_databases, company), 20)

    def einvoice_tries():  # the run's first try is audited as well as the retry (both left for the operator)
        with clean_databases["audit"].connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT details->>'retry' FROM audit_events"
                    " WHERE action = 'reminder.einvoice_sent' AND :id = ANY(subject_ids)"
                ),
                {"id": company},
            )
            return sorted(row[0] for row in rows)

    assert wait_for(lambda: einvoice_tries() == ["false", "true"], 20)


def test_b4_rate_table_access_report_and_erasure_of_reminders(run_services, rpc, clean_databases):
    run_services(ContactsService, AuditService, BillingService, BillingWorker, extra_config=BILLING)
    with rpc(TREASURER) as cluster:
        with pytest.raises(Conflict) as builtin:
            cluster.billing.put_reference_rate({"valid_from": "2026-01-01", "rate": "9.00"})
        assert builtin.value.message == "billing.reference_rate_builtin"
        with pytest.raises(ValidationFailed) as mid_year:
            cluster.billing.put_reference_rate({"valid_from": "2027-03-01", "rate": "2.00"})
        assert mid_year.value.details == {"valid_from": ["billing.reference_rate_not_half_year"]}
        cover_rates(cluster.billing)
        anna = cluster.contacts.create_contact({"first_name": "Anna", "last_name": "Poistettava", **ADDRESS})[
            "id"
        ]
        invoice = overdue(cluster, anna)
        done = wait_done(cluster, cluster.billing.start_reminder_run({"reminder_date": on(20)})["id"])
        assert done["reminders_created"] == 1
    with rpc(OFFICER) as cluster:
        report = cluster.billing.personal_data(anna)
        assert [row["level"] for row in report["sections"]["reminders"]] == [1]
        assert report["sections"]["reminders"][0]["invoice_number"] == invoice["number"]
    with clean_databases["billing"].begin() as conn:
        conn.execute(text("UPDATE reminders SET delivery_address = 'X|Y'"))
    from services.billing import erasure_storage

    db = WorkerDatabase(clean_databases["billing"])
    with db.transaction() as session:
        summary = erasure_storage.erase_contact(session, invoice_key(invoice))
    db.close()
    assert summary["reminders_pseudonymised"] == 1
    with clean_databases["billing"].connect() as conn:
        assert conn.execute(text("SELECT delivery_address FROM reminders")).scalar_one() is None


def ktl(reference, cents):
    """A Finnish reference-payment file (KTL) with one payment of ``cents`` to ``reference`` (base64)."""
    payment = (
        "3" + "12345600000785" + "261201" + "261201" + "MUISTUTUS0000001" + reference.rjust(20, "0")
        + "MAKSAJA ANNA" + "1A" + f"{cents:010d}" + "0A "
    )  # fmt: skip
    lines = [
        "0261201120047020840699" + "1".ljust(68),
        payment,
        f"9{1:06d}{cents:011d}{0:06d}{0:011d}".ljust(90),
    ]
    return base64.b64encode("\r\n".join(lines).encode()).decode()


def invoice_key(invoice):
    import uuid

    return uuid.UUID(invoice["contact_id"])


def test_b4_while_the_operator_is_away_a_runs_other_reminder_einvoices_wait_for_their_retry(
    run_services, rpc, clean_databases, einvoice_operator
):
    """B4: once the operator did not take a reminder's e-invoice, the run offers it no more of them (each
    would wait for the operator's timeout and disclose the payer's data in vain): they are failed with a
    next try, unaudited (nothing left), and the retries send them all."""
    config = {**BILLING, **einvoice_settings(einvoice_operator), "BILLING_REMINDER_RETRY_SECONDS": "0"}
    run_services(ContactsService, AuditService, BillingService, BillingWorker, extra_config=config)
    with rpc(TREASURER) as cluster:
        cover_rates(cluster.billing)
        companies, invoices = [], []
        for name in ("Verkko Oy", "Toinen Oy"):
            company = cluster.contacts.create_contact(
                {"kind": "organisation", "organisation_name": name, **ADDRESS}
            )
            invoice = overdue(cluster, company["id"])
            assert cluster.billing.send_einvoice(invoice["id"], TO_COMPANY)["status"] == "accepted"
            companies.append(company["id"])
            invoices.append(invoice)
        einvoice_operator.mailbox.unavailable = 1  # away for the first reminder's post only
        done = wait_done(cluster, cluster.billing.start_reminder_run({"reminder_date": on(21)})["id"])
        assert done["reminders_created"] == 2, done
        assert einvoice_operator.mailbox.unavailable == 0 and len(einvoice_operator.mailbox.messages) == 2
        for invoice in invoices:
            failed = cluster.billing.invoice_reminders(invoice["id"])["items"][0]
            assert (failed["delivery_status"], failed["delivery_detail"]) == (
                "failed",
                "billing.einvoice_operator_unavailable",
            )
            assert failed["next_attempt_at"]
        assert cluster.billing.retry_reminder_einvoices() == {"sent": 2, "failed": 0, "given_up": 0}
        assert len(einvoice_operator.mailbox.messages) == 4  # the invoices and their reminders, once each
