"""B3 (issue 15) in headless Chromium: a treasurer gives an organisation its e-invoice address and
operator in the contact form (the operator picked from the common ones, a wrong address refused beside
the field in Finnish), sees them on the contact page, and finds the invoice page's e-invoice form
prefilled from the contact. Screenshots at 1,400 and 390 px ($PIIRI_SCREENS, default
/tmp/screens-einvoice-fields)."""

import os
from pathlib import Path

import pytest

from tests.browser.test_web_ui import log_in

pytestmark = pytest.mark.browser

PASSWORD = "verkkolaskuosoite selaimessa"
SCREENS = Path(os.environ.get("PIIRI_SCREENS", "/tmp/screens-einvoice-fields"))


def shots(browser, path, name):
    """Screenshots at both widths; ``path`` None: of the page as it is (a refused form)."""
    for width in (1400, 390):
        browser.set_viewport_size({"width": width, "height": 900})
        if path:
            browser.open(path)
        assert browser.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        browser.screenshot(path=str(SCREENS / f"{name}-{width}.png"), full_page=True)
    browser.set_viewport_size({"width": 1400, "height": 900})


def test_b3_einvoice_address_in_the_contact_form_and_on_the_invoice_page(system, browser, admin_api):
    SCREENS.mkdir(parents=True, exist_ok=True)
    system.create_user("verkkolaskuttaja", PASSWORD, role="admin")
    body = {"kind": "organisation", "organisation_name": "Osoite Oy", "street": "Tie 2",
            "postal_code": "00200", "city": "Espoo"}  # fmt: skip
    contact = admin_api.post("/api/v1/contacts", json=body).json()
    browser.open("/login")
    log_in(browser, "verkkolaskuttaja", PASSWORD)

    browser.open(f"/contacts/{contact['id']}/edit")
    browser.fill("#field-einvoice_address", "0037 1234")
    browser.fill("#field-einvoice_operator", "NDEAFIHH")
    browser.click("#save-contact")
    browser.wait_for_selector("#error-einvoice_address")
    assert "OVT-tunnus" in browser.text("#error-einvoice_address")
    shots(browser, None, "contact-form-refused-fi")
    browser.fill("#field-einvoice_address", "0037 1234 5678")
    browser.fill("#field-einvoice_operator", "003721291126")
    browser.click("#save-contact")
    browser.wait_for_selector("#detail-einvoice_address")
    assert browser.text("#detail-einvoice_address dd") == "003712345678"
    assert "Maventa" in browser.text("#detail-einvoice_operator dd")
    shots(browser, f"/contacts/{contact['id']}", "contact-page-fi")

    invoice = admin_api.post(
        "/api/v1/billing/invoices",
        json={"contact_id": contact["id"], "lines": [{"description": "Kurssi", "unit_price": "20.00"}]},
    ).json()
    browser.open(f"/billing/invoices/{invoice['id']}")
    assert browser.evaluate("document.querySelector('#einvoice-address').value") == "003712345678"
    assert browser.evaluate("document.querySelector('#einvoice-operator').value") == "003721291126"
    assert "yhteystiedoista" in browser.text("#einvoice-prefilled")
    shots(browser, f"/billing/invoices/{invoice['id']}", "invoice-prefilled-fi")
