"""B1 federation split in headless Chromium: a treasurer adds the settlement parties on their page (a
wrong business id refused in Finnish beside the form), defines a fee type shared between them, edits the
split on the fee's page (a wrong sum refused), and after a run and a bank file reads the settlement report
of the month, in Finnish and Swedish; the run's page shows its PDFs stored by the billing workers (B2).
Screenshots at 1,400 and 390 px ($PIIRI_SCREENS, default /tmp/screens-settlement)."""

import os
from pathlib import Path

import pytest

from piiri import clock
from tests.browser.test_web_ui import log_in
from tests.events import wait_for
from tests.ktl_files import ktl_file

pytestmark = pytest.mark.browser

PASSWORD = "tilitys selaimessa 2026"
SCREENS = Path(os.environ.get("PIIRI_SCREENS", "/tmp/screens-settlement"))


def shots(browser, path, name):
    for width in (1400, 390):
        browser.set_viewport_size({"width": width, "height": 900})
        browser.open(path)
        assert browser.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        browser.screenshot(path=str(SCREENS / f"{name}-{width}.png"), full_page=True)
    browser.set_viewport_size({"width": 1400, "height": 900})


def test_b1_parties_fee_split_and_settlement_report_pages(system, browser, admin_api):
    SCREENS.mkdir(parents=True, exist_ok=True)
    system.create_user("tilittaja", PASSWORD, role="treasurer")
    api = system.api(system.token("tilittaja", PASSWORD))
    browser.open("/login")
    log_in(browser, "tilittaja", PASSWORD)

    browser.open("/billing/parties")
    browser.fill("#party-name", "Suomen Liitto ry")
    browser.fill("#party-business-id", "0201256-7")
    browser.click("#add-party")
    browser.wait_for_selector("#form-errors")
    assert "Y-tunnus ei ole kelvollinen" in browser.text("#form-errors")
    browser.fill("#party-business-id", "0201256-6")
    browser.fill("#party-iban", "FI49 4730 0010 4163 10")
    browser.click("#add-party")
    browser.wait_for_selector("#parties")
    browser.fill("#party-name", "Paikallisyhdistys ry")
    browser.fill("#party-business-id", "1572860-0")
    browser.click("#add-party")
    browser.wait_for_selector(".party-row:nth-child(2)")
    assert "FI4947300010416310" in browser.text("#parties")
    shots(browser, "/billing/parties", "parties-fi")

    browser.open("/billing")
    browser.fill("#fee-name", "Jäsenmaksu 2027")
    browser.fill("#fee-amount", "40")
    browser.select_option("#component-party-0", label="Suomen Liitto ry")
    browser.fill("#component-amount-0", "25")
    browser.select_option("#component-party-1", label="Paikallisyhdistys ry")
    browser.fill("#component-amount-1", "15")
    browser.click("#add-fee-type")
    browser.wait_for_selector(".fee-type-row")
    assert "Suomen Liitto ry 25,00" in browser.text(".fee-split")
    shots(browser, "/billing", "fee-split-fi")

    # The split edited on the fee's own page: a wrong sum refused beside the form, then 30 : 10 saved,
    # and the run below is split so (the report follows it).
    browser.click(".fee-split-edit")
    browser.wait_for_selector("#fee-split-form")
    assert browser.evaluate("document.querySelector('#component-amount-0').value") == "25.00"
    browser.fill("#component-amount-0", "30")
    browser.click("#save-fee-split")
    browser.wait_for_selector("#form-errors")
    assert "Osuuksien summa 45,00" in browser.text("#form-errors")
    browser.fill("#component-amount-1", "10")
    browser.click("#save-fee-split")
    browser.wait_for_selector(".fee-type-row")
    assert "Suomen Liitto ry 30,00" in browser.text(".fee-split")
    fee = api.get("/api/v1/billing/fee-types").json()["items"][0]
    shots(browser, f"/billing/fee-types/{fee['id']}", "fee-split-edit-fi")
    contact = {"last_name": "Jäsen", "street": "Tie 2", "postal_code": "00200", "city": "Espoo"}
    members = [
        admin_api.post("/api/v1/contacts", json={"first_name": n, **contact}).json()["id"] for n in "ABC"
    ]
    run = api.post(
        "/api/v1/billing/runs", json={"fee_type_id": fee["id"], "selection": {"kind": "ids", "ids": members}}
    )
    assert wait_for(lambda: api.get(run.headers["Location"]).json()["status"] == "done", 30)
    # B2: the billing workers store the run's PDFs; the run page shows how many are made
    assert wait_for(lambda: api.get(run.headers["Location"]).json()["pdfs"]["done"] == 3, 30)
    shots(browser, f"/billing/runs/{run.json()['id']}", "run-pdfs-fi")
    assert browser.text("#run-pdfs") == "3/3"
    invoices = api.get("/api/v1/billing/invoices", params={"run_id": run.json()["id"]}).json()["items"]
    today = clock.today()
    paid = [(invoices[0]["reference"], 4000, "A", today), (invoices[1]["reference"], 1000, "B", today)]
    assert api.post("/api/v1/billing/bank-files", params={"filename": "v.txt"}, data=ktl_file(paid, "B")).ok

    browser.open("/billing")
    browser.click("#billing-settlement-link")
    browser.wait_for_selector("#settlement")
    owed = [cell.strip() for cell in browser.evaluate(
        "[...document.querySelectorAll('.settlement-owed')].map(c => c.textContent)")]  # fmt: skip
    assert owed == ["37,50\xa0€", "12,50\xa0€"]  # 40.00 + 10.00 shared 30 : 10 (the edited split)
    shots(browser, "/billing/settlement", "settlement-fi")
    browser.open("/lang/sv?next=/billing/settlement")
    assert "att redovisa" in browser.text("#settlement").lower()
    shots(browser, "/billing/settlement", "settlement-sv")
    browser.open("/billing/settlement?period=2027-13")
    assert "Perioden är ett år" in browser.text("#form-errors")
