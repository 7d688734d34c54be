"""I1 in the web UI: upload a CSV, change a column's mapping, see the bad row's error per column, choose
to import only the valid rows, watch the progress and see the count; then undo."""

import os
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


SCREENS = Path(os.environ.get("PIIRI_SCREENS", "/tmp/screens-imp"))


def screenshots(browser, name):
    """The page at 1,400 px and 390 px width, kept as test artefacts (PIIRI_SCREENS)."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1400, 900), (390, 844)):
        browser.set_viewport_size({"width": width, "height": height})
        browser.screenshot(path=str(SCREENS / f"{name}-fi-{width}.png"), full_page=True)
    browser.set_viewport_size({"width": 1280, "height": 900})


def upload_csv(browser, name, text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(text.encode("utf-8"))
        browser.set_input_files("#import-file", str(path))
        browser.click("#import-upload")
        browser.wait_for_url("**/mapping")


def test_issue13_7_the_preview_marks_existing_contacts_and_repeated_rows_and_undo_says_so(
    importing, browser, rpc
):
    """The preview says per row what the import will do — fill in an existing contact (a link to it),
    repeat an earlier row (its number), create a new contact — with the counts on top; the safe choice
    is preselected; after the undo the page says the import was undone, not that it is done."""
    from conftest import ALL_PERMISSIONS, make_actor

    with rpc(make_actor("seed", permissions=ALL_PERMISSIONS)) as proxy:
        existing = proxy.contacts.create_contact(
            {"first_name": "Aino", "last_name": "Virtanen", "email": "aino@example.fi"}
        )
    importing.create_user("admin", ADMIN_PASSWORD, role="admin")
    browser.open("/login?next=/imports")
    browser.fill("#username", "admin")
    browser.fill("#password", ADMIN_PASSWORD)
    browser.click("#login-submit")
    browser.wait_for_url("**/imports")

    upload_csv(
        browser,
        "jasenet.csv",
        "Etunimi;Sukunimi;Sähköposti;Kaupunki\n"
        "Eino;Leino;eino@example.fi;Turku\n"
        "Aino;Virtanen;aino@example.fi;Oulu\n"
        "Eino;Leino;EINO@example.fi;Turku\n"
        "Minna;Canth;minna@example.fi;Kuopio\n",
    )
    assert browser.input_value("#on-duplicate") == "update_fill"
    screenshots(browser, "import-mapping")
    browser.click("#import-validate")
    job_path = browser.path.split("?")[0]
    wait_status(browser, job_path, "validated")

    assert browser.text("#found-new") == "2"
    assert browser.text("#found-existing") == "1"
    assert browser.text("#found-in-file") == "1"
    assert browser.text("#found-errors") == "0"
    assert "Täydentää olemassa olevia" in browser.text("#import-found")
    assert browser.get_attribute("#preview-row-2", "data-match") == "new"
    assert browser.get_attribute("#preview-row-3", "data-match") == "existing"
    assert "Täydentää yhteystietoa" in browser.text("#preview-row-3")
    assert browser.get_attribute("#preview-row-3 a.outcome-contact", "href") == f"/contacts/{existing['id']}"
    assert browser.text("#preview-row-3 a.outcome-contact") == "Aino Virtanen"
    assert browser.get_attribute("#preview-row-4", "data-match") == "in_file"
    assert "Sama kuin rivi 2" in browser.text("#preview-row-4")
    screenshots(browser, "import-preview")

    browser.click("#import-start")
    wait_status(browser, job_path, "done")
    assert "Tuonti valmis" in browser.text("#import-result")
    assert browser.text("#count-created") == "2" and browser.text("#count-updated") == "1"
    browser.click("#import-undo")
    browser.wait_for_url("**undone=1")
    result = browser.text("#import-result")
    assert browser.get_attribute("#import-result", "data-state") == "undone"
    assert "Tuonti kumottu" in result and "Tuonti valmis" not in result
    assert "poistettiin (2)" in result and "palautettiin (1)" in result
    assert browser.count("#count-created") == 0 and browser.count("#import-undo") == 0
    assert "Kumottu" in browser.text("#import-status")
    screenshots(browser, "import-undone")
