"""I2 in headless Chromium: search the contact list, press Export, choose Excel, columns and an exclusion,
start the job, follow its page (meta refresh, no script) until it is done, and download the .xlsx; a
contact's vCard link; a hand-picked selection from the list's checkboxes; a bad option is refused."""

import base64
import io

import pytest
from openpyxl import load_workbook

from tests.browser.test_web_ui import log_in

pytestmark = pytest.mark.browser

PASSWORD = "vie exceliin 2026"
FETCH_BASE64 = """url => fetch(url, {credentials: 'same-origin'}).then(async response => {
  const bytes = new Uint8Array(await response.arrayBuffer());
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return {status: response.status, type: response.headers.get('content-type'), data: btoa(text)};
})"""


@pytest.fixture
def exporting(system, run_services):
    from services.exports.service import ExportsService
    from services.exports.worker import ExportWorker

    run_services(ExportsService, ExportWorker)
    return system


def test_i2_export_the_current_search_as_excel_and_download_it(exporting, browser):
    exporting.create_user("maija", PASSWORD, role="staff")
    api = exporting.api(exporting.token("maija", PASSWORD))
    ids = {}
    for first, city in (("Aino", "Turku"), ("Eino", "Turku"), ("Olli", "Oulu"), ("Kerttu", "Turku")):
        body = {"first_name": first, "last_name": "Exceltesti", "city": city, "birth_date": "1990-04-05"}
        ids[first] = api.post("/api/v1/contacts", json=body).json()["id"]
    assert api.post(f"/api/v1/contacts/{ids['Kerttu']}/deceased", json={"deceased_on": "2025-01-01"}).ok

    browser.open("/contacts")
    log_in(browser, "maija", PASSWORD)
    browser.open("/contacts?q=exceltesti&city=Turku")
    browser.click("#export-list")
    browser.wait_for_url("**/exports/new?*")
    assert "exceltesti" in browser.text("#export-selection")
    browser.check("#col-birth_date")
    browser.uncheck("#col-phone")
    browser.check("#exclude-deceased")
    browser.click("#export-start")
    browser.wait_for_url("**/exports/*-*")
    browser.wait_for_selector('#export-job[data-status="done"]', timeout=20000)  # the page refreshes itself
    assert "Valmis" in browser.text("#export-status")
    fetched = browser.evaluate(FETCH_BASE64, browser.get_attribute("#export-download", "href"))
    assert fetched["status"] == 200 and fetched["type"].startswith("application/vnd.openxmlformats")
    rows = list(
        load_workbook(io.BytesIO(base64.b64decode(fetched["data"]))).active.iter_rows(values_only=True)
    )
    assert rows[0] == ("Nimi", "Sähköposti", "Katuosoite", "Postinumero", "Paikkakunta", "Syntymäaika")
    assert [row[0] for row in rows[1:]] == ["Aino Exceltesti", "Eino Exceltesti"]  # Oulu and the deceased out
    assert rows[1][5].date().isoformat() == "1990-04-05"

    browser.nav("#nav-exports")
    browser.wait_for_url("**/exports")
    assert browser.count("#export-jobs tbody tr") == 1

    # The contact page's vCard link; a wrong option is refused with the reason and nothing is queued.
    browser.open(f"/contacts/{ids['Aino']}")
    vcard = browser.evaluate(FETCH_BASE64, browser.get_attribute("#contact-vcard", "href"))
    assert vcard["status"] == 200 and "FN:Aino Exceltesti" in base64.b64decode(vcard["data"]).decode()
    browser.open("/exports/new?format=xlsx")
    browser.fill("#opt-sheet_title", "a/b")
    browser.click("#export-start")
    assert "Vientiä ei aloitettu" in browser.text("#export-errors")
    browser.open("/exports")
    assert browser.count("#export-jobs tbody tr") == 1


def test_i2_export_the_contacts_ticked_in_the_list(exporting, browser):
    exporting.create_user("pekka", PASSWORD, role="staff")
    api = exporting.api(exporting.token("pekka", PASSWORD))
    ids = [
        api.post(
            "/api/v1/contacts",
            json={"first_name": name, "last_name": "Valittu", "email": f"{name.lower()}@example.org"},
        ).json()["id"]
        for name in ("Anna", "Bea", "Cilla")
    ]
    browser.open("/contacts")
    log_in(browser, "pekka", PASSWORD)
    browser.open("/contacts?q=valittu")
    browser.check(f'input.select-contact[value="{ids[0]}"]')
    browser.check(f'input.select-contact[value="{ids[2]}"]')
    browser.click("#export-selected")
    browser.wait_for_url("**/exports/new?*")
    assert "(2)" in browser.text("#export-selection")
    browser.select_option("#format-choice", "email_list")
    browser.click("#format-choose")
    browser.wait_for_url("**format=email_list*")
    browser.click("#export-start")
    browser.wait_for_selector('#export-job[data-status="done"]', timeout=20000)
    fetched = browser.evaluate(FETCH_BASE64, browser.get_attribute("#export-download", "href"))
    text = base64.b64decode(fetched["data"]).decode()
    assert text.strip() == "Anna Valittu <anna@example.org>, Cilla Valittu <cilla@example.org>"


def test_i2_export_a_group_and_a_saved_search_from_their_pages(exporting, browser):
    exporting.create_user("ryhma", PASSWORD, role="admin")
    api = exporting.api(exporting.token("ryhma", PASSWORD))
    ids = [
        api.post("/api/v1/contacts", json={"first_name": name, "last_name": "Ryhmäläinen"}).json()["id"]
        for name in ("Iida", "Jussi", "Kaisa")
    ]
    group = api.post("/api/v1/groups", json={"name": "Hallitus"}).json()
    assert api.post(f"/api/v1/groups/{group['id']}/members", json={"contact_ids": ids[:2]}).ok
    saved = api.post("/api/v1/saved-searches", json={"name": "Ryhmäläiset", "query": "ryhmäläinen"}).json()

    browser.open("/contacts")
    log_in(browser, "ryhma", PASSWORD)
    browser.open(f"/groups/{group['id']}")
    browser.click("#group-export")
    browser.wait_for_url("**/exports/new?*")
    assert browser.text("#export-selection") == "Ryhmän Hallitus jäsenet"
    browser.select_option("#format-choice", "ndjson")
    browser.click("#format-choose")
    browser.wait_for_url("**format=ndjson*")
    browser.click("#export-start")
    browser.wait_for_selector('#export-job[data-status="done"]', timeout=20000)
    fetched = browser.evaluate(FETCH_BASE64, browser.get_attribute("#export-download", "href"))
    names = [
        line.split('"display_name":"')[1].split('"')[0]
        for line in base64.b64decode(fetched["data"]).decode().splitlines()
    ]
    assert names == ["Iida Ryhmäläinen", "Jussi Ryhmäläinen"]

    browser.open("/saved-searches")
    browser.click(f"#export-{saved['id']}")
    browser.wait_for_url("**/exports/new?saved_search=*")
    assert browser.text("#export-selection") == "Tallennettu haku Ryhmäläiset"
    browser.click("#export-start")
    browser.wait_for_selector('#export-job[data-status="done"]', timeout=20000)
    assert "3 / 3" in browser.text("#export-count")
