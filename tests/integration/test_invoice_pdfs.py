"""B2, B1 over the real broker and database: an invoice run's PDFs made by two billing workers (each
invoice's PDF stored exactly once, rendered once), served by the invoice's PDF (audited), listed in the
access report and made again from the pseudonymised invoice on erasure (G3, G4); a worker that died
mid-batch leaves its batch pending and the workers finish the run's PDFs without rendering any twice."""

import base64
import io
import uuid

import pypdf
from sqlalchemy import text

from piiri import signing
from piiri.db import WorkerDatabase
from piiri.messaging import context_headers
from services.audit.service import AuditService
from services.billing.invoice_pdfs import making
from services.billing.runs import running
from services.billing.runs.queue import RUN_PDFS
from services.billing.service import BillingService
from services.billing.settings import from_config
from services.billing.worker import BillingWorker
from services.contacts.service import ContactsService
from tests.events import wait_for
from tests.integration.test_billing import BILLING, OFFICER, TREASURER, audit_actions, fee, person, wait_run


def recording_renders(monkeypatch):
    """Every invoice id any worker of this process renders (both workers run in the test's process)."""
    rendered = []
    render = making.render_batch

    def recorded(rows, *args, **kwargs):
        rendered.extend(row["id"] for row in rows)
        return render(rows, *args, **kwargs)

    monkeypatch.setattr(making, "render_batch", recorded)
    return rendered


def _key(item):
    return uuid.UUID(item["id"])


def stored_pdfs(engines):
    with engines["billing"].connect() as conn:
        return {
            row.invoice_id: row.pdf
            for row in conn.execute(text("SELECT invoice_id, pdf FROM invoice_pdfs ORDER BY invoice_id"))
        }


def pdf_text(data):
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(bytes(data))).pages)


def test_b2_b1_two_workers_store_one_pdf_per_invoice_served_reported_and_remade_on_erasure(
    run_services, rpc, clean_databases, monkeypatch
):
    monkeypatch.setattr(running, "PAGE", 3)  # four pages: four PDF messages for the two workers
    monkeypatch.setattr(making, "BATCH", 2)
    rendered = recording_renders(monkeypatch)
    run_services(ContactsService, AuditService, BillingService, extra_config=BILLING)
    run_services(BillingWorker, extra_config=BILLING)
    run_services(BillingWorker, extra_config=BILLING)
    with rpc(TREASURER) as cluster:
        group = cluster.contacts.create_group("Jäsenet")
        people = [person(cluster.contacts, f"Henkilö{n}", "Pdf") for n in range(10)]
        cluster.contacts.add_members(group["id"], people)
        run = cluster.billing.start_run(
            {"fee_type_id": fee(cluster)["id"], "selection": {"kind": "group", "id": group["id"]}}
        )
        assert wait_run(cluster, run["id"])["invoices_created"] == 10
        progress = wait_for(
            lambda: (lambda pdfs: pdfs if pdfs["done"] == 10 else None)(
                cluster.billing.get_run(run["id"])["pdfs"]
            ),
            seconds=30,
        )
        assert progress == {"total": 10, "done": 10, "failed": 0}
        stored = stored_pdfs(clean_databases)
        assert len(stored) == 10 and all(stored.values())
        assert sorted(rendered, key=str) == sorted(stored, key=str)  # each rendered once, by one worker

        invoices = cluster.billing.list_invoices(run_id=run["id"])["items"]
        first = next(item for item in invoices if item["contact_id"] == people[0])
        served = cluster.billing.invoice_pdf(first["id"])
        assert base64.b64decode(served["data"]) == bytes(stored[_key(first)])
        assert wait_for(lambda: "invoice.pdf_read" in audit_actions(clean_databases, people[0]))
        assert "Henkilö0 Pdf" in pdf_text(stored[_key(first)])

    with rpc(OFFICER) as officer:
        report = officer.billing.personal_data(people[0])
        assert report["sections"]["invoices"][0]["pdf_stored_at"]
        erasure = officer.contacts.request_erasure(people[0], "the person asked")
        assert wait_for(lambda: officer.contacts.get_erasure(erasure["id"])["completed_at"], seconds=10)
    remade = wait_for(lambda: stored_pdfs(clean_databases)[_key(first)], seconds=20)
    assert remade and "Henkilö0" not in pdf_text(remade) and "—" in pdf_text(remade)
    assert len(rendered) == 11


def test_b2_pdfs_of_a_run_resume_after_a_worker_died_mid_batch(
    run_services, rpc, clean_databases, config, monkeypatch
):
    run_services(ContactsService, AuditService, BillingService, extra_config=BILLING)  # no worker yet
    settings = from_config(BILLING)
    with rpc(TREASURER) as cluster:
        group = cluster.contacts.create_group("Jäsenet")
        cluster.contacts.add_members(group["id"], [person(cluster.contacts, f"Ajo{n}") for n in range(7)])
        run = cluster.billing.start_run(
            {"fee_type_id": fee(cluster)["id"], "selection": {"kind": "group", "id": group["id"]}}
        )
        db = WorkerDatabase(clean_databases["billing"])
        row = db.session.execute(text("SELECT * FROM invoice_runs")).mappings().one()
        fee_row = db.session.execute(text("SELECT * FROM fee_types")).mappings().one()
        db.session.rollback()
        running.run(
            db,
            settings,
            dict(row),
            dict(fee_row),
            lambda cursor: cluster.contacts.payer_page({"kind": "group", "id": group["id"]}, cursor, 10),
        )
        # the tables the run filled were analysed after its first page (running.analyze_filled_tables)
        analysed = db.session.execute(
            text("SELECT relname, reltuples FROM pg_class WHERE relname = ANY(:names)"),
            {"names": list(running.FILLED_TABLES)},
        ).all()
        db.session.rollback()
        assert sorted(analysed) == [("invoice_lines", 7), ("invoice_pdfs", 7), ("invoices", 7)]
        batches = []
        render = making.render_batch

        def dying(rows, *args, **kwargs):
            batches.append(len(rows))
            if len(batches) == 2:
                raise RuntimeError("the worker died")
            return render(rows, *args, **kwargs)

        monkeypatch.setattr(making, "render_batch", dying)
        try:
            making.make_run(db, settings, run["id"], batch=2)
        except RuntimeError:
            pass
        db.close()
        stored = stored_pdfs(clean_databases)
        assert (
            len(stored) == 7 and len([data for data in stored.values() if data]) == 2
        )  # the second rolled back
        assert cluster.billing.get_run(run["id"])["pdfs"] == {"total": 7, "done": 2, "failed": 0}
        made_before = {key for key, data in stored.items() if data}

    monkeypatch.setattr(making, "BATCH", 2)
    monkeypatch.setattr(making, "render_batch", render)  # the next workers live
    rendered = recording_renders(monkeypatch)
    run_services(BillingWorker, extra_config=BILLING)
    run_services(BillingWorker, extra_config=BILLING)
    publisher = RUN_PDFS.publisher(config["AMQP_URI"])
    headers = context_headers({"request_id": "run-pdfs-resumed"}, signing.context_keys(config))
    for _ in range(2):  # the run's PDF message, as the run's pages (or the recovery timer) queue it
        publisher.publish(RUN_PDFS.message(run["id"]), routing_key=RUN_PDFS.routing_key, headers=headers)
    with rpc(TREASURER) as cluster:
        assert wait_for(lambda: cluster.billing.get_run(run["id"])["pdfs"]["done"] == 7, seconds=30)
    stored = stored_pdfs(clean_databases)
    assert all(stored.values())
    assert sorted(rendered, key=str) == sorted(set(stored) - made_before, key=str)  # the 5 left, once each
