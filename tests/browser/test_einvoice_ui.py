"""B3 in headless Chromium: a treasurer sends an invoice as an e-invoice from its page (through the
project's operator emulator): a wrong address is refused in Finnish beside the form, a right one is sent
and shows as delivered, and the form is gone. Screenshots at 1,400 and 390 px ($PIIRI_SCREENS, default
/tmp/screens-einvoice)."""

import os
from pathlib import Path

import pytest

from tests.browser.test_web_ui import log_in
from tests.conftest import einvoice_settings, start_system

pytestmark = pytest.mark.browser

PASSWORD = "verkkolaskut selaimessa 2026"
SCREENS = Path(os.environ.get("PIIRI_SCREENS", "/tmp/screens-einvoice"))


@pytest.fixture
def operator(einvoice_operator):
    return einvoice_operator


@pytest.fixture
def system(run_services, config, clean_databases, operator):
    settings = einvoice_settings(operator)
    return start_system(run_services, config, clean_databases, extra_config=settings)


def test_b3_send_an_invoice_as_an_e_invoice_from_its_page(system, browser, operator):
    SCREENS.mkdir(parents=True, exist_ok=True)
    system.create_user("kassa", PASSWORD, role="treasurer")
    api = system.api(system.token("kassa", PASSWORD))
    body = {
        "first_name": "Asiakas",
        "last_name": "Oy",
        "street": "Tie 2",
        "postal_code": "00200",
        "city": "Espoo",
    }
    contact = api.post("/api/v1/contacts", json=body).json()["id"]
    invoice = api.post(
        "/api/v1/billing/invoices",
        json={"contact_id": contact, "lines": [{"description": "Kurssi", "unit_price": "80.00"}]},
    ).json()

    browser.open("/login")
    log_in(browser, "kassa", PASSWORD)
    browser.open(f"/billing/invoices/{invoice['id']}")
    assert browser.text("#einvoice h2") == "Verkkolasku"
    browser.fill("#einvoice-address", "12345")
    browser.fill("#einvoice-operator", "003721291126")
    browser.click("#send-einvoice")
    browser.wait_for_selector("#form-errors")
    assert "Anna OVT-tunnus" in browser.text("#form-errors")
    assert operator.mailbox.messages == {}
    for width in (1400, 390):
        browser.set_viewport_size({"width": width, "height": 900})
        browser.screenshot(path=str(SCREENS / f"einvoice-refused-fi-{width}.png"), full_page=True)
    browser.set_viewport_size({"width": 1400, "height": 900})

    browser.fill("#einvoice-address", "0037 9876 5432")
    browser.click("#send-einvoice")
    browser.wait_for_selector("#einvoice-sendings")
    assert "toimitettu" in browser.text("#einvoice-sendings")
    assert "003798765432" in browser.text("#einvoice-sendings")
    assert browser.count("#einvoice-form") == 0
    for width in (1400, 390):
        browser.set_viewport_size({"width": width, "height": 900})
        browser.open(f"/billing/invoices/{invoice['id']}")
        assert browser.evaluate("document.documentElement.scrollWidth") <= width
        browser.screenshot(path=str(SCREENS / f"einvoice-sent-fi-{width}.png"), full_page=True)
    browser.open(f"/lang/sv?next=/billing/invoices/{invoice['id']}")
    assert "levererad" in browser.text("#einvoice-sendings")
    for width in (1400, 390):
        browser.set_viewport_size({"width": width, "height": 900})
        browser.open(f"/billing/invoices/{invoice['id']}")
        browser.screenshot(path=str(SCREENS / f"einvoice-sent-sv-{width}.png"), full_page=True)
