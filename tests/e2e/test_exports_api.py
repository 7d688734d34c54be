"""End to end through /api/v1 (I2): an export job started, followed and downloaded; the NDJSON and JSON
streams; one contact's vCard and QR; 403 without contacts.export; clear 422s that queue nothing; and the
OpenAPI description of it all."""

import io
import json
import time

import pytest
from openpyxl import load_workbook

PASSWORD = "vienti salasana 2026"


@pytest.fixture
def exporting(system, run_services):
    from services.exports.service import ExportsService
    from services.exports.worker import ExportWorker

    run_services(ExportsService, ExportWorker)
    return system


def wait(api, job_id):
    for _ in range(300):
        job = api.get(f"/api/v1/exports/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(job)


def make_people(api, count=5):
    ids = []
    for index in range(count):
        body = {
            "first_name": f"Henkilö{index:02d}",
            "last_name": "Vientinen",
            "email": f"p{index}@example.org",
        }
        response = api.post("/api/v1/contacts", json=body)
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return ids


def test_i2_export_job_through_the_api_and_download(exporting, admin_api):
    make_people(admin_api)
    started = admin_api.post(
        "/api/v1/exports",
        json={
            "format": "xlsx",
            "selection": {"kind": "search", "query": "vientinen"},
            "columns": ["display_name", "email"],
            "language": "en",
        },
    )
    assert started.status_code == 202, started.text
    assert started.headers["Location"] == f"/api/v1/exports/{started.json()['id']}"
    job = wait(admin_api, started.json()["id"])
    assert job["status"] == "done" and job["rows_total"] == 5, job
    file = admin_api.get(f"/api/v1/exports/{job['id']}/file")
    assert file.status_code == 200
    assert file.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="piiri-export.xlsx"' in file.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(file.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("Name", "E-mail") and len(rows) == 6 and rows[1][0] == "Henkilö00 Vientinen"
    listed = admin_api.get("/api/v1/exports").json()["items"]
    assert [item["id"] for item in listed] == [job["id"]]
    assert admin_api.delete(f"/api/v1/exports/{job['id']}").status_code == 200
    assert admin_api.get(f"/api/v1/exports/{job['id']}").status_code == 404


def test_i2_ndjson_and_json_streams_and_one_contacts_vcard_and_qr(exporting, admin_api):
    ids = make_people(admin_api, 3)
    stream = admin_api.get(
        "/api/v1/contacts:export", params={"format": "ndjson", "q": "vientinen"}, stream=True
    )
    assert stream.status_code == 200 and stream.headers["Content-Type"].startswith("application/x-ndjson")
    assert stream.headers.get("Transfer-Encoding") == "chunked" and stream.headers["X-Total-Count"] == "3"
    rows = [json.loads(line) for line in stream.iter_lines() if line]
    assert [row["display_name"] for row in rows] == [f"Henkilö{i:02d} Vientinen" for i in range(3)]
    assert {"couple", "organisation", "emails", "custom"} <= set(rows[0])
    picked = admin_api.get("/api/v1/contacts:export", params={"format": "json", "ids": f"{ids[2]},{ids[0]}"})
    assert [row["id"] for row in picked.json()] == [ids[0], ids[2]]
    bad = admin_api.get("/api/v1/contacts:export", params={"format": "xml"})
    assert bad.status_code == 422 and bad.json()["details"]["format"] == [
        {"code": "value.one_of", "params": {"choices": "ndjson, json"}}
    ]
    vcard = admin_api.get(f"/api/v1/contacts/{ids[0]}/vcard")
    assert vcard.status_code == 200 and "FN:Henkilö00 Vientinen" in vcard.text
    assert vcard.headers["Content-Type"].startswith("text/vcard")
    qr = admin_api.get(f"/api/v1/contacts/{ids[0]}/qr")
    assert qr.status_code == 200 and qr.content.startswith(b"\x89PNG")


def test_i2_export_needs_contacts_export_and_bad_input_queues_nothing(exporting, admin_api):
    make_people(admin_api, 1)
    exporting.create_user("lukija", PASSWORD, role="read_only")
    reader = exporting.api(exporting.token("lukija", PASSWORD))
    assert (
        reader.post("/api/v1/exports", json={"format": "csv", "selection": {"kind": "search"}}).status_code
        == 403
    )
    assert reader.get("/api/v1/contacts:export").status_code == 403
    assert reader.get("/api/v1/exports").status_code == 403
    wrong = admin_api.post(
        "/api/v1/exports", json={"format": "csv", "selection": {"kind": "search"}, "columns": ["palkka"]}
    )
    assert wrong.status_code == 422 and "palkka" in wrong.text
    options = admin_api.post(
        "/api/v1/exports",
        json={"format": "vcard", "selection": {"kind": "search"}, "options": {"version": "2.1"}},
    )
    assert options.status_code == 422 and "version" in options.json()["details"]
    assert admin_api.get("/api/v1/exports").json()["items"] == []
    spec = admin_api.get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/exports",
        "/api/v1/exports/{job_id}",
        "/api/v1/exports/{job_id}/file",
        "/api/v1/contacts:export",
    ):
        assert path in spec["paths"], path


def test_i2_e_mail_list_notes_and_an_expired_file(exporting, admin_api, clean_databases, run_services):
    """What the e-mail list left out is on the job; a file older than EXPORT_KEEP_HOURS is deleted, the
    job stays (expired) and a download says why (G5: personal data not kept longer than needed)."""
    from nameko.testing.services import entrypoint_hook
    from nameko.testing.utils import get_container
    from sqlalchemy import text

    from services.exports.worker import ExportWorker
    from tests.conftest import ADMIN_PASSWORD
    from tests.e2e.test_login_security import web_login

    make_people(admin_api, 3)
    assert admin_api.post("/api/v1/contacts", json={"first_name": "Ilman", "last_name": "Vientinen"}).ok
    selection = {"kind": "search", "query": "Vientinen"}
    started = admin_api.post("/api/v1/exports", json={"format": "email_list", "selection": selection})
    job = wait(admin_api, started.json()["id"])
    assert job["rows_written"] == 3 and job["notes"] == {"skipped_no_email": 1}
    assert job["expires_at"] > job["finished_at"]
    engine = clean_databases["exports"]
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE export_jobs SET finished_at = now() - interval '200 hours' WHERE id = :id"),
            {"id": job["id"]},
        )
    # issue 18: the export workers' timer deletes it (the exports service's processes have no timer)
    worker = run_services(ExportWorker)
    with entrypoint_hook(get_container(worker, ExportWorker), "expire_files") as expire_files:
        assert expire_files() == 1
    with engine.connect() as conn:
        chunks = "SELECT count(*) FROM export_file_chunks WHERE job_id = :id"
        assert conn.execute(text(chunks), {"id": job["id"]}).scalar() == 0
    expired = admin_api.get(f"/api/v1/exports/{job['id']}").json()
    assert expired["status"] == "expired" and expired["expired_at"] and expired["expires_at"] is None
    refused = admin_api.get(f"/api/v1/exports/{job['id']}/file")
    assert refused.status_code == 409 and "deleted" in refused.json()["message"]
    web, _ = web_login(admin_api.base_url, "admin", ADMIN_PASSWORD)
    page = web.get(f"{admin_api.base_url}/exports/{job['id']}")
    assert page.status_code == 200 and 'id="export-expired"' in page.text


def test_i2_an_export_of_nobody_downloads_as_an_empty_file(exporting, admin_api):
    selection = {"kind": "search", "query": "Eiketäänsellaista"}
    started = admin_api.post("/api/v1/exports", json={"format": "ndjson", "selection": selection})
    job = wait(admin_api, started.json()["id"])
    assert (job["status"], job["rows_written"], job["chunk_count"]) == ("done", 0, 0)
    file = admin_api.get(f"/api/v1/exports/{job['id']}/file")
    assert file.status_code == 200 and file.content == b""
