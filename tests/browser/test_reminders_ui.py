"""B4 in headless Chromium: a treasurer previews a reminder run on the reminders page (the overdue invoice
with its level, fee and interest; the held one left out with its reason, in Finnish), runs it, follows the
run's page to "valmis", and finds the reminder on the invoice's page with its PDF; a reference rate for a
day that starts no half-year is refused beside its form; the collection page in Swedish. Screenshots at 1,400
and 390 px ($PIIRI_SCREENS, default /tmp/screens-reminders)."""

import os
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.browser.test_web_ui import log_in
from tests.e2e.test_invoice_email_api import cover_rates

pytestmark = pytest.mark.browser

PASSWORD = "muistutukset selaimessa 2026"
SCREENS = Path(os.environ.get("PIIRI_SCREENS", "/tmp/screens-reminders"))
DUE = date.today() - timedelta(days=40)


def overdue(api, first):
    body = {
        "first_name": first,
        "last_name": "Myöhässä",
        "street": "Tie 2",
        "postal_code": "00200",
        "city": "Espoo",
    }
    contact = api.post("/api/v1/contacts", json=body).json()["id"]
    return api.post(
        "/api/v1/billing/invoices",
        json={
            "contact_id": contact,
            "invoice_date": (DUE - timedelta(days=14)).isoformat(),
            "due_date": DUE.isoformat(),
            "lines": [{"description": "Jäsenmaksu", "unit_price": "30.00"}],
        },
    ).json()


def test_b4_reminder_run_preview_run_and_the_reminder_on_the_invoice_page(system, browser):
    SCREENS.mkdir(parents=True, exist_ok=True)
    system.create_user("perija", PASSWORD, role="treasurer")
    api = system.api(system.token("perija", PASSWORD))
    invoice, held = overdue(api, "Muistettava"), overdue(api, "Kiistävä")
    assert api.put(f"/api/v1/billing/invoices/{held['id']}/hold", json={"on_hold": True}).ok
    cover_rates(api, DUE)  # test data for half-years the built-in table lacks

    browser.open("/login")
    log_in(browser, "perija", PASSWORD)
    browser.open("/billing/reminders")
    assert browser.text("h1") == "Maksumuistutukset"
    browser.fill("#rate-from", "2027-03-01")
    browser.fill("#rate-value", "2,5")
    browser.click("#rate-add")
    browser.wait_for_selector("#rates #form-errors")
    assert "Kauden on alettava 1.1. tai 1.7." in browser.text("#rates #form-errors")
    browser.click("#reminder-preview")
    browser.wait_for_selector("#reminder-preview-items")
    row = browser.text(f'#reminder-preview-items tr[data-number="{invoice["number"]}"]')
    assert "Muistettava Myöhässä" in row and "5,00" in row and "Kuluttaja" in row
    assert "pidossa (kiistetty): 1" in browser.text("#reminder-preview-excluded")
    for width in (1400, 390):
        browser.set_viewport_size({"width": width, "height": 900})
        assert browser.evaluate("document.documentElement.scrollWidth") <= width
        browser.screenshot(path=str(SCREENS / f"reminders-preview-fi-{width}.png"), full_page=True)
    browser.set_viewport_size({"width": 1400, "height": 900})

    browser.click("#reminder-start")
    browser.wait_for_selector('#reminder-run-status[data-status="done"]', timeout=30000)
    assert browser.text("#reminder-run-created") == "1"
    browser.open(f"/billing/invoices/{invoice['id']}")
    reminder = browser.text('#invoice-reminders tr[data-level="1"]')
    assert "5,00" in reminder and "valmis tulostettavaksi" in reminder
    assert browser.count("#invoice-reminders a.reminder-pdf") == 1
    for width in (1400, 390):
        browser.set_viewport_size({"width": width, "height": 900})
        browser.open(f"/billing/invoices/{invoice['id']}#reminders")
        assert browser.evaluate("document.documentElement.scrollWidth") <= width
        browser.screenshot(path=str(SCREENS / f"reminders-invoice-fi-{width}.png"), full_page=True)
    browser.open(f"/lang/sv?next=/billing/invoices/{invoice['id']}")
    assert "Betalningspåminnelser" in browser.text("#reminders h2")
    browser.open("/billing/collection")  # the first level only: nobody for collection yet
    assert browser.text("#collection-total") == "0 fakturor"
    assert browser.count("#collection-csv") == 1 and browser.count("#collection-xlsx") == 1
