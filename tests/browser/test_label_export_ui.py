"""I2 in headless Chromium: address labels from the contact list. Search, press Export, choose the label
format and the 3×8 sheet, start the job, wait for it, download the PDF and read it back: the page count,
the Finnish postal layout, a couple addressed once, the deceased and a contact without an address left
out; a margin that pushes the labels off the page is refused in Finnish and nothing is queued."""

import base64
import io

import pytest
from pypdf import PdfReader

from tests.browser.test_exports_ui import FETCH_BASE64
from tests.browser.test_web_ui import log_in

pytestmark = pytest.mark.browser

PASSWORD = "tarrat arkille 2026"
LAST = "Tarratesti"


@pytest.fixture
def exporting(system, run_services):
    from services.exports.service import ExportsService
    from services.exports.worker import ExportWorker

    run_services(ExportsService, ExportWorker)
    return system


def _seed(api):
    """24 people with an address, a couple (one label), a deceased person and one without an address."""
    for index in range(24):
        body = {
            "first_name": f"Henkilö{index:02d}",
            "last_name": LAST,
            "street": f"Testikatu {index}",
            "postal_code": "00100",
            "city": "Helsinki",
        }
        assert api.post("/api/v1/contacts", json=body).status_code == 201
    home = {"street": "Kotitie 5", "postal_code": "33100", "city": "Tampere"}
    anna = api.post("/api/v1/contacts", json={"first_name": "Anna", "last_name": LAST, **home}).json()
    matti = api.post("/api/v1/contacts", json={"first_name": "Matti", "last_name": LAST, **home}).json()
    assert api.post("/api/v1/couples", json={"contact_ids": [anna["id"], matti["id"]]}).status_code == 201
    gone = api.post("/api/v1/contacts", json={"first_name": "Poistunut", "last_name": LAST, **home}).json()
    assert api.post(f"/api/v1/contacts/{gone['id']}/deceased", json={"deceased_on": "2025-06-01"}).ok
    assert api.post("/api/v1/contacts", json={"first_name": "Osoitteeton", "last_name": LAST}).ok


def test_i2_address_labels_3x8_from_the_contact_list(exporting, browser):
    exporting.create_user("tarja", PASSWORD, role="staff")
    _seed(exporting.api(exporting.token("tarja", PASSWORD)))

    browser.open("/contacts")
    log_in(browser, "tarja", PASSWORD)
    browser.open(f"/contacts?q={LAST.lower()}")
    browser.click("#export-list")
    browser.wait_for_url("**/exports/new?*")
    browser.select_option("#format-choice", "labels")
    browser.click("#format-choose")
    browser.wait_for_url("**format=labels*")
    assert browser.is_checked("#exclude-deceased")  # labels leave the deceased out by default
    assert browser.is_checked("#opt-one_per_couple")

    # A left margin that pushes the labels off the page is refused with the reason; nothing is queued.
    browser.select_option("#opt-sheet", "3x8")
    browser.fill("#opt-left_mm", "5")
    browser.click("#export-start")
    assert "Vasen reuna voi olla 3x8-arkilla enintään 0.0 mm" in browser.text("#export-errors")

    browser.fill("#opt-left_mm", "")
    assert browser.input_value("#opt-sheet") == "3x8"
    browser.click("#export-start")
    browser.wait_for_url("**/exports/*-*")
    browser.wait_for_selector('#export-job[data-status="done"]', timeout=30000)
    fetched = browser.evaluate(FETCH_BASE64, browser.get_attribute("#export-download", "href"))
    assert fetched["status"] == 200 and fetched["type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(base64.b64decode(fetched["data"])))
    assert len(reader.pages) == 2  # 24 people + the couple's one label = 25 labels, 24 on a 3×8 sheet
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert text.count("00100 HELSINKI") == 24 and text.count("33100 TAMPERE") == 1
    assert text.count(f"Anna ja Matti {LAST}") + text.count(f"Matti ja Anna {LAST}") == 1  # id order
    assert "Poistunut" not in text and "Osoitteeton" not in text

    browser.open("/exports")
    assert browser.count("#export-jobs tbody tr") == 1
