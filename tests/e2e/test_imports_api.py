"""End to end through /api/v1 (I1): POST /api/v1/contacts:batch through the import pipeline with per-row
results; the imports API (upload, mapping, validate, start, follow, errors, error report, undo); 403
without contacts.import; clear errors that write nothing; the OpenAPI description."""

import io
import time

import pytest
import requests
from openpyxl import load_workbook

PASSWORD = "tuonti salasana 2026"
WORKER_CONFIG = {"IMPORT_STALE_SECONDS": 3}


@pytest.fixture
def importing(system, run_services):
    from services.imports.service import ImportsService
    from services.imports.worker import ImportWorker

    run_services(ImportsService)
    run_services(ImportWorker, extra_config=WORKER_CONFIG)
    return system


def wait(api, job_id, *statuses):
    for _ in range(600):
        job = api.get(f"/api/v1/imports/{job_id}").json()
        if job["status"] in statuses:
            return job
        time.sleep(0.1)
    raise AssertionError(job)


def count_contacts(api):
    return len(api.get("/api/v1/contacts", params={"limit": 100}).json()["items"])


def test_i1_api_batch_creates_updates_and_reports_each_row(importing, admin_api):
    admin_api.post(
        "/api/v1/contacts", json={"first_name": "Aino", "last_name": "V", "email": "aino@example.fi"}
    )
    body = {
        "contacts": [
            {"first_name": "Aino", "email": "aino@example.fi", "city": "Oulu"},
            {"first_name": "Eino", "last_name": "Leino", "phone": "040 765 4321"},
        ],
        "options": {"on_duplicate": "update_fill"},
    }
    response = admin_api.post("/api/v1/contacts:batch", json=body)
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["created"], result["updated"]) == (1, 1)
    assert [row["action"] for row in result["rows"]] == ["updated", "created"]
    assert result["import"]["status"] == "done" and result["import"]["source"] == "api"
    assert count_contacts(admin_api) == 2


def test_i1_api_batch_all_or_nothing_refuses_bad_rows_and_writes_nothing(importing, admin_api):
    body = {"contacts": [{"first_name": "Hyvä"}, {"first_name": "Huono", "email": "ei-osoite"}]}
    response = admin_api.post("/api/v1/contacts:batch", json=body)
    assert response.status_code == 422
    rows = response.json()["details"]["rows"]
    assert rows[0]["row"] in (2, "2") and "email" in rows[0]["errors"]
    assert count_contacts(admin_api) == 0
    body["options"] = {"commit_mode": "valid_rows"}
    partial = admin_api.post("/api/v1/contacts:batch", json=body).json()
    assert (partial["created"], partial["errors"]) == (1, 1)
    too_many = admin_api.post("/api/v1/contacts:batch", json={"contacts": [{"first_name": "X"}] * 5001})
    assert too_many.status_code == 422 and too_many.json()["details"]["contacts"] == [
        {"code": "list.too_many", "params": {"max": "5000"}}
    ]


def test_i1_imports_api_file_flow_with_error_report_and_undo(importing, admin_api):
    data = "Etunimi;Sukunimi;Sähköposti\nAino;Virtanen;aino@example.fi\nEino;Leino;ei-osoite\n"
    uploaded = admin_api.post(
        "/api/v1/imports", files={"file": ("jasenet.csv", data.encode("utf-8"), "text/csv")}
    )
    assert uploaded.status_code == 201, uploaded.text
    job = uploaded.json()
    assert job["headers"] == ["Etunimi", "Sukunimi", "Sähköposti"]
    assert job["mapping"]["Sähköposti"] == "email"
    mapping = {**job["mapping"], "Sukunimi": "last_name"}
    saved = admin_api.put(f"/api/v1/imports/{job['id']}/mapping", json={"mapping": mapping, "options": {}})
    assert saved.status_code == 200, saved.text
    preview = admin_api.get(f"/api/v1/imports/{job['id']}/preview").json()
    assert preview["rows"][0]["values"]["first_name"] == "Aino" and preview["rows"][1]["errors"]
    assert admin_api.post(f"/api/v1/imports/{job['id']}/validate").status_code == 202
    validated = wait(admin_api, job["id"], "validated", "failed")
    assert validated["invalid_rows"] == 1
    errors = admin_api.get(f"/api/v1/imports/{job['id']}/errors").json()
    assert errors["items"][0]["row_number"] == 3
    report = admin_api.get(f"/api/v1/imports/{job['id']}/errors.xlsx")
    assert report.status_code == 200
    sheet = load_workbook(io.BytesIO(report.content)).active
    assert "ei-osoite" in [cell.value for row in sheet.iter_rows() for cell in row]
    refused = admin_api.post(f"/api/v1/imports/{job['id']}/start", json={})
    assert refused.status_code == 409 and count_contacts(admin_api) == 0
    started = admin_api.post(f"/api/v1/imports/{job['id']}/start", json={"commit_mode": "valid_rows"})
    assert started.status_code == 202
    done = wait(admin_api, job["id"], "done", "failed")
    assert done["counts"]["created"] == 1 and count_contacts(admin_api) == 1
    listed = admin_api.get("/api/v1/imports").json()["items"]
    assert job["id"] in [item["id"] for item in listed]
    undone = admin_api.post(f"/api/v1/imports/{job['id']}/undo")
    assert undone.status_code == 200 and undone.json()["undo"]["deleted"] == 1
    assert count_contacts(admin_api) == 0


def test_i1_a_file_that_is_no_spreadsheet_is_refused_clearly(importing, admin_api):
    response = admin_api.post(
        "/api/v1/imports",
        files={"file": ("kuva.xlsx", b"\x89PNG\r\n\x1a\nnot a workbook", "application/octet-stream")},
    )
    assert response.status_code == 422
    assert response.json()["details"]["code"] == "not_a_spreadsheet"


def test_i1_import_needs_contacts_import(importing, system):
    system.create_user("katsoja", PASSWORD, role="read_only")
    viewer = system.api(system.token("katsoja", PASSWORD))
    assert viewer.post("/api/v1/contacts:batch", json={"contacts": [{"first_name": "X"}]}).status_code == 403
    assert viewer.get("/api/v1/imports").status_code == 403
    assert viewer.post("/api/v1/imports?filename=a.csv", data=b"a;b\n1;2\n").status_code == 403


def test_i1_openapi_documents_the_imports_api(importing):
    document = requests.get(f"{importing.base_url}/api/v1/openapi.json").json()
    for path in (
        "/api/v1/contacts:batch",
        "/api/v1/imports",
        "/api/v1/imports/{import_id}",
        "/api/v1/imports/{import_id}/mapping",
        "/api/v1/imports/{import_id}/start",
        "/api/v1/imports/{import_id}/undo",
        "/api/v1/imports/{import_id}/errors.xlsx",
    ):
        assert path in document["paths"], path
    assert "ImportOptions" in document["components"]["schemas"]


def upload_csv(api, data, filename="jasenet.csv"):
    uploaded = api.post("/api/v1/imports", files={"file": (filename, data.encode("utf-8"), "text/csv")})
    assert uploaded.status_code == 201, uploaded.text
    return uploaded.json()


def expire(engine, job_id, column, hours):
    """Age the job by ``hours`` and run the deletion the imports service's timer runs."""
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from services.imports import jobs

    with engine.begin() as conn:
        conn.execute(
            text(f"UPDATE import_jobs SET {column} = now() - make_interval(hours => :h) WHERE id = :id"),
            {"h": hours, "id": job_id},
        )
    with Session(engine) as session, session.begin():
        return [str(i) for i in jobs.expire_data(session, keep_hours=168)]


def test_i1_g5_an_imports_file_and_rows_are_deleted_after_keep_hours_and_it_can_still_be_undone(
    importing, admin_api, clean_databases
):
    from sqlalchemy import text

    from tests.conftest import ADMIN_PASSWORD
    from tests.e2e.test_login_security import web_login

    data = "Etunimi;Sukunimi;Sähköposti\nAino;Virtanen;aino@example.fi\nEino;Leino;ei-osoite\n"
    job = upload_csv(admin_api, data)
    admin_api.put(f"/api/v1/imports/{job['id']}/mapping", json={"mapping": job["mapping"], "options": {}})
    admin_api.post(f"/api/v1/imports/{job['id']}/validate")
    wait(admin_api, job["id"], "validated")
    admin_api.post(f"/api/v1/imports/{job['id']}/start", json={"commit_mode": "valid_rows"})
    done = wait(admin_api, job["id"], "done", "failed")
    assert (
        done["status"] == "done" and done["expires_at"] > done["finished_at"] and done["expired_at"] is None
    )
    engine = clean_databases["imports"]
    assert expire(engine, job["id"], "finished_at", 100) == []  # kept for a week
    assert expire(engine, job["id"], "finished_at", 200) == [job["id"]]
    with engine.connect() as conn:
        for table in ("import_files", "import_row_errors", "import_row_batches"):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0, table
        assert conn.execute(text("SELECT sample_rows FROM import_jobs")).scalar() is None
    expired = admin_api.get(f"/api/v1/imports/{job['id']}").json()
    assert (expired["status"], expired["counts"]["created"], expired["invalid_rows"]) == ("done", 1, 1)
    assert expired["expired_at"] and expired["expires_at"] is None
    for path in ("errors", "errors.xlsx", "preview"):
        refused = admin_api.get(f"/api/v1/imports/{job['id']}/{path}")
        assert refused.status_code == 409 and "were deleted on" in refused.json()["message"], path
    web, _ = web_login(admin_api.base_url, "admin", ADMIN_PASSWORD)
    page = web.get(f"{admin_api.base_url}/imports/{job['id']}")
    assert page.status_code == 200 and 'id="import-expired"' in page.text
    assert 'id="import-error-table"' not in page.text
    undone = admin_api.post(f"/api/v1/imports/{job['id']}/undo")  # the undo needs no file
    assert undone.status_code == 200 and undone.json()["undo"]["deleted"] == 1
    assert count_contacts(admin_api) == 0


def test_i1_g5_an_upload_nobody_went_on_with_expires_and_a_running_import_never_does(
    importing, admin_api, clean_databases
):
    from sqlalchemy import text

    abandoned = upload_csv(admin_api, "Etunimi;Sukunimi\nAino;Virtanen\n")
    assert abandoned["expires_at"] is not None
    running = upload_csv(admin_api, "Etunimi;Sukunimi\nEino;Leino\n", "toinen.csv")
    engine = clean_databases["imports"]
    with engine.begin() as conn:  # as if a worker were committing it right now
        conn.execute(
            text("UPDATE import_jobs SET status = 'committing', phase = 'commit' WHERE id = :id"),
            {"id": running["id"]},
        )
    expire(engine, running["id"], "updated_at", 500)
    assert expire(engine, abandoned["id"], "updated_at", 200) == [abandoned["id"]]
    gone = admin_api.get(f"/api/v1/imports/{abandoned['id']}").json()
    assert gone["status"] == "expired" and gone["expired_at"]
    refused = admin_api.post(f"/api/v1/imports/{abandoned['id']}/validate")
    assert refused.status_code == 409
    assert admin_api.get(f"/api/v1/imports/{running['id']}").json()["expired_at"] is None
    with engine.connect() as conn:
        left = "SELECT count(*) FROM import_files WHERE job_id = :id"
        assert conn.execute(text(left), {"id": running["id"]}).scalar() > 0
