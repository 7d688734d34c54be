"""G3 and G4 in headless Chromium: a GDPR officer opens a person, downloads the access report (a PDF
with the person's name and a section per service), erases the person after the confirmation (a wrong
name typed is refused), follows the erasure to completion, and the person is no longer found."""

import base64
import io
import time

import eventlet
import pypdf
import pytest

from tests.browser.test_web_ui import log_in

pytestmark = pytest.mark.browser

PASSWORD = "kuusi kuusta kuusessa"
FETCH_BASE64 = """url => fetch(url, {credentials: 'same-origin'}).then(async response => {
  const bytes = new Uint8Array(await response.arrayBuffer());
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return {status: response.status, type: response.headers.get('content-type'), data: btoa(text)};
})"""


def test_g3_g4_officer_downloads_access_report_and_erases_a_person(system, browser, admin_api):
    created = admin_api.post(
        "/api/v1/contacts",
        json={"first_name": "Säde", "last_name": "Ylä-Kärppä", "email": "sade@example.fi", "city": "Kemi"},
    )
    assert created.status_code == 201, created.text
    person_id = created.json()["id"]
    admin_api.post("/api/v1/contacts", json={"first_name": "Sakari", "last_name": "Kärppä"})
    system.create_user("tietosuoja", PASSWORD, role="dpo")

    browser.open("/contacts")
    log_in(browser, "tietosuoja", PASSWORD)
    browser.open(f"/contacts/{person_id}")
    # One data-protection card (issue 13 item 5): consents, the access report and erasure together.
    assert (
        browser.text("#data-protection h2") == "Tietosuoja"
        and browser.count(".card h2:text-is('Tietosuoja')") == 1
    )
    assert browser.count("#data-protection #gdpr #access-report-pdf") == 1
    assert browser.count("#data-protection #gdpr #erase-contact") == 1

    # G3: the access report as the officer's browser downloads it.
    pdf_url = browser.get_attribute("#access-report-pdf", "href")
    fetched = browser.evaluate(FETCH_BASE64, pdf_url)
    assert fetched["status"] == 200 and fetched["type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(base64.b64decode(fetched["data"])))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Tietopyyntö: Säde Ylä-Kärppä" in text
    assert "Palvelu: Yhteystiedot" in text and "Palvelu: Tapahtumaloki" in text and "sade@example.fi" in text

    # G4: the confirmation lists what will happen and wants the name typed.
    browser.click("#erase-contact")
    browser.wait_for_url(f"**/contacts/{person_id}/erase")
    plan = browser.text("#erase-plan")
    assert "Yhteystieto poistetaan kokonaan" in plan and "Tapahtumaloki" in plan
    browser.fill("#erase-reason", "henkilön pyyntö")
    browser.fill("#erase-name", "Sakari Kärppä")
    browser.click("#confirm-erase")
    assert "ei vastaa" in browser.text("#erase-errors")
    assert admin_api.get(f"/api/v1/contacts/{person_id}").status_code == 200  # nothing happened

    browser.fill("#erase-name", "säde ylä-kärppä")
    browser.fill("#erase-reason", "henkilön pyyntö")
    browser.click("#confirm-erase")
    browser.wait_for_url("**/erasures/*")
    deadline = time.monotonic() + 10
    while (
        browser.get_attribute("#erasure-status", "data-status") != "completed" and time.monotonic() < deadline
    ):
        eventlet.sleep(0.3)
        browser.reload()
    assert browser.text("#erasure-status") == "Valmis"
    # contacts, audit, imports, exports, surveys, mailing, billing
    assert browser.count(".erasure-service[data-done='yes']") == 7
    assert browser.text("#erasure-contact") == person_id

    # Gone: not found by search (also by a typo), the page is a 404, the erasure is listed.
    browser.open("/contacts?q=K%C3%A4rpp%C3%A4")
    table = browser.text("main")
    assert "Sakari Kärppä" in table and "Säde" not in table
    browser.open("/contacts?q=sade")
    assert "Säde" not in browser.text("main")
    browser.open(f"/contacts/{person_id}")
    assert "ei löytynyt" in browser.text("main") and "Säde" not in browser.text("main")
    browser.open("/erasures")
    assert browser.count(".erasure-row[data-status='completed']") == 1
    assert "tietosuoja" in browser.text("#erasure-table")
