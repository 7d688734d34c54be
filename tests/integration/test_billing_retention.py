"""B4 "GDPR and bookkeeping" over the real broker and database: invoices and payments are vouchers kept
six years from the end of their financial period's year (kirjanpitolaki 2:10 §), then deleted by the
retention rule: the timer deletes what is past it (an invoice with its lines, reminders' and sendings'
rows and payments; unmatched payments; bank files and runs left empty), keeps what a later record still
needs (a payment booked later, a credit note dated later), audits the deletion naming the people, and
retention_status tells staff the cutoff and counts. A retention shorter than the law's is refused."""

import base64
from datetime import date

import pytest
from nameko.testing.services import entrypoint_hook
from nameko.testing.utils import get_container
from sqlalchemy import text

from services.audit.service import AuditService
from services.billing.retention import rules
from services.billing.retention import storage as retention_storage
from services.billing.service import BillingService
from services.billing.settings import BadSettings, from_config
from services.contacts.service import ContactsService
from tests.events import wait_for
from tests.integration.test_billing import BILLING, TREASURER, camt054, invoice_numbered, person

TODAY = date.today()
OLD = date(TODAY.year - 8, 3, 1)  # its financial year ended eight years ago or more: past retention
EDGE = rules.cutoff(TODAY, 6, (12, 31))  # the last day still past retention


@pytest.fixture
def system(run_services, rpc):
    runner = run_services(ContactsService, AuditService, BillingService, extra_config=BILLING)
    with rpc(TREASURER) as cluster:
        yield cluster, get_container(runner, BillingService)


def dated(engines, invoice_id, day):
    with engines["billing"].begin() as conn:
        conn.execute(
            text("UPDATE invoices SET invoice_date = :d, due_date = :d WHERE id = :id"),
            {"d": day, "id": invoice_id},
        )


def paid_on(engines, invoice_id, day):
    with engines["billing"].begin() as conn:
        conn.execute(
            text("UPDATE payments SET booked_on = :d WHERE invoice_id = :id"), {"d": day, "id": invoice_id}
        )


def count(engines, sql):
    with engines["billing"].connect() as conn:
        return conn.execute(text(sql)).scalar()


def test_cutoff_follows_the_accounting_act():
    """A financial year that ended in Y may go from 1 January of Y + 7 on (six whole years kept)."""
    assert rules.cutoff(date(2026, 12, 7), 6, (12, 31)) == date(2019, 12, 31)
    assert rules.cutoff(date(2027, 1, 1), 6, (12, 31)) == date(2020, 12, 31)
    assert rules.cutoff(date(2026, 12, 7), 10, (6, 30)) == date(2015, 6, 30)
    with pytest.raises(BadSettings) as refused:
        from_config({**BILLING, "BILLING_RETENTION_YEARS": "5"})
    assert "kirjanpitolaki" in str(refused.value)
    with pytest.raises(BadSettings):
        from_config({**BILLING, "BILLING_FINANCIAL_YEAR_END": "02-29"})


def test_b4_records_past_retention_are_deleted_and_what_a_later_record_needs_stays(
    system, clean_databases, monkeypatch
):
    billing, container = system
    monkeypatch.setattr(retention_storage, "BATCH", 1)  # batches cut short: a credit note before its invoice
    engines = clean_databases
    payer = person(billing.contacts, "Vanha", "Lasku")
    gone = invoice_numbered(billing, engines, 6100, payer, "30.00")
    paid_late = invoice_numbered(billing, engines, 6200, payer, "40.00")
    recent = invoice_numbered(billing, engines, 6300, payer, "50.00")
    credited = invoice_numbered(billing, engines, 6400, payer, "60.00")
    note = billing.billing.credit_invoice(credited["id"])
    file = camt054(
        [
            ("RET-1", [("30.00", gone["reference"])]),
            ("RET-2", [("40.00", paid_late["reference"])]),
            ("RET-3", [("9.99", "RF18539007547034")]),  # nobody's: waits unmatched
        ]
    )
    billing.billing.import_bank_file("vanha.xml", base64.b64encode(file).decode())
    dated(engines, gone["id"], OLD)
    paid_on(engines, gone["id"], OLD)
    dated(engines, paid_late["id"], EDGE)  # its payment is booked in the next, still kept, year
    paid_on(engines, paid_late["id"], date(EDGE.year + 1, 1, 5))
    dated(engines, credited["id"], OLD)
    dated(engines, note["id"], OLD)
    with engines["billing"].begin() as conn:
        conn.execute(text("UPDATE payments SET booked_on = :d WHERE invoice_id IS NULL"), {"d": OLD})

    status = billing.billing.retention_status()
    assert (status["years"], status["financial_year_end"], status["cutoff"]) == (6, "12-31", EDGE.isoformat())
    assert (status["invoices"], status["unmatched_payments"]) == (3, 1)  # gone, credited and its note

    for _ in range(2):  # the second look finds nothing more
        with entrypoint_hook(container, "retention_timer") as hook:
            hook()
    left = {
        row[0]
        for row in engines["billing"].connect().execute(text("SELECT number FROM invoices ORDER BY number"))
    }
    assert left == {paid_late["number"], recent["number"]}  # gone, credited and its credit note deleted
    assert count(engines, "SELECT count(*) FROM invoice_lines") == 2
    assert count(engines, "SELECT count(*) FROM payments") == 1  # the late payment stays with its invoice
    assert count(engines, "SELECT count(*) FROM bank_files") == 1  # it still holds that payment
    after = billing.billing.retention_status()
    assert (after["invoices"], after["unmatched_payments"]) == (0, 0)

    def deletion():
        rows = billing.audit.events_for_subject(payer)["items"]
        found = [row for row in rows if row["action"] == "invoice.retention_deleted"]
        return found if len(found) == 3 else None  # one record per batch of one invoice

    records = wait_for(deletion)
    for record in records:
        assert record["actor"]["username"] == "system" and record["details"]["cutoff"] == EDGE.isoformat()
    assert sum(record["details"]["invoices"] for record in records) == 3
    assert sum(record["details"]["payments"] for record in records) == 1
