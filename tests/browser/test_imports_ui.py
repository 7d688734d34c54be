"""I1 in the web UI: upload a CSV, change a column's mapping, see the bad row's error per column, choose
to import only the valid rows, watch the progress and see the count; then undo."""

import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import ADMIN_PASSWORD

pytestmark = pytest.mark.browser

CSV = (
    "Etunimi;Suku;Sähköposti;Kaupunki\n"
    "Aino;Virtanen;aino@example.fi;Oulu\n"
    "Eino;Leino;ei-osoite;Turku\n"
    "Minna;Canth;minna@example.fi;Kuopio\n"
)


@pytest.fixture
def importing(system, run_services):
    from services.imports.service import ImportsService
    from services.imports.worker import ImportWorker

    run_services(ImportsService)
    run_services(ImportWorker, extra_config={"IMPORT_STALE_SECONDS": 3})
    return system


def wait_status(browser, path, status, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        browser.open(path)
        if browser.get_attribute("#import-status", "data-status") == status:
            return
        time.sleep(0.5)
    raise AssertionError(browser.text("main"))


def test_i1_upload_map_see_errors_import_valid_rows_and_undo(importing, browser):
    importing.create_user("admin", ADMIN_PASSWORD, role="admin")
    browser.open("/login?next=/imports")
    browser.fill("#username", "admin")
    browser.fill("#password", ADMIN_PASSWORD)
    browser.click("#login-submit")
    browser.wait_for_url("**/imports")

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "jasenet.csv"
        path.write_bytes(CSV.encode("utf-8"))
        browser.set_input_files("#import-file", str(path))
        browser.click("#import-upload")
        browser.wait_for_url("**/mapping")
    assert browser.input_value("#map-0") == "first_name"
    assert browser.input_value("#map-2") == "email"
    browser.select_option("#map-1", "last_name")  # "Suku" was not recognised: the user maps it
    browser.click("#import-validate")
    job_path = browser.path.split("?")[0]
    wait_status(browser, job_path, "validated")

    error_row = browser.text("#error-row-3")
    assert "ei-osoite" in error_row and "sähköpostiosoite" in error_row.lower()
    assert browser.count("#import-start") == 0  # all or nothing: only the explicit choice is offered
    browser.click("#import-start-valid")
    wait_status(browser, job_path, "done")
    assert browser.text("#count-created") == "2"
    assert browser.text("#count-errors") == "1"

    browser.open("/contacts")
    assert "Virtanen" in browser.text("main") and "Leino" not in browser.text("main")

    browser.open(job_path)
    browser.click("#import-undo")
    wait_status(browser, job_path, "undone")
    browser.open("/contacts")
    assert "Virtanen" not in browser.text("main")
