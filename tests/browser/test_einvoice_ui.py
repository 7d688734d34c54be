"""B3 in headless Chromium: a treasurer sends an invoice as an e-invoice from its page (through the
project's operator emulator): a wrong address is refused in Finnish beside the form, a right one is sent
and shows as delivered, and the form is gone. B4: a reminder run whose e-invoice the operator did not
take shows it on the run's page, waiting for its next try. Screenshots at 1,400 and 390 px
($PIIRI_SCREENS, default /tmp/screens-einvoice)."""

import os
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.browser.test_web_ui import log_in
from tests.conftest import einvoice_settings, start_system
from tests.e2e.test_invoice_email_api import cover_rates
from tests.events import wait_for

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


def test_b4_the_reminder_run_page_shows_an_e_invoice_waiting_for_its_next_try(system, browser, operator):
    SCREENS.mkdir(parents=True, exist_ok=True)
    system.create_user("perinta", PASSWORD, role="treasurer")
    api = system.api(system.token("perinta", PASSWORD))
    due = date.today() - timedelta(days=40)
    body = {"first_name": "Verkko", "last_name": "Myöhässä", "street": "Tie 2", "postal_code": "00200"}
    contact = api.post("/api/v1/contacts", json={**body, "city": "Espoo"}).json()["id"]
    invoice = api.post(
        "/api/v1/billing/invoices",
        json={
            "contact_id": contact,
            "invoice_date": (due - timedelta(days=14)).isoformat(),
            "due_date": due.isoformat(),
            "lines": [{"description": "Jäsenmaksu", "unit_price": "30.00"}],
        },
    ).json()
    sent = api.post(
        f"/api/v1/billing/invoices/{invoice['id']}/einvoice",
        json={"to_identifier": "003798765432", "to_intermediator": "003721291126"},
    )
    assert sent.status_code == 201, sent.text
    cover_rates(api, due)  # test data for half-years the built-in table lacks
    operator.mailbox.unavailable = 1  # away when the reminder's e-invoice is offered
    started = api.post(
        "/api/v1/billing/reminder-runs", json={"reminder_date": (due + timedelta(days=20)).isoformat()}
    )
    assert started.status_code == 202, started.text
    run_id = started.json()["id"]
    done = wait_for(
        lambda: (lambda run: run if run["status"] in ("done", "failed") else None)(
            api.get(f"/api/v1/billing/reminder-runs/{run_id}").json()
        ),
        30,
    )
    assert done and done["status"] == "done" and done["einvoices"]["retrying"] == 1, done

    browser.open("/login")
    log_in(browser, "perinta", PASSWORD)
    browser.open(f"/billing/reminder-runs/{run_id}")
    assert browser.text("#reminder-run-einvoices [data-count=sent]") == "0"
    assert browser.text("#reminder-run-einvoices [data-count=retrying]") == "1"
    retrying = browser.text("#reminder-run-einvoices li.reminder-run-retrying")
    assert "Operaattori ei vastannut, yritetään uudelleen" in retrying and "seuraava yritys" in retrying
    for width in (1400, 390):
        browser.set_viewport_size({"width": width, "height": 900})
        assert browser.evaluate("document.documentElement.scrollWidth") <= width
        browser.screenshot(path=str(SCREENS / f"reminder-run-einvoices-fi-{width}.png"), full_page=True)
    browser.open(f"/lang/sv?next=/billing/reminder-runs/{run_id}")
    assert "Operatören svarade inte" in browser.text("#reminder-run-einvoices")
