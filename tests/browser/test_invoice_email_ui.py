"""B3 in headless Chromium: a treasurer e-mails an invoice from its page through the project's SMTP
emulator; the page follows the mail from queued to sent (it refreshes itself while a mail is queued), and
the emulator has the mail with the PDF; the mail log page lists it (filtered by status) and links it to
the invoice; a credited invoice offers no sending. Screenshots at 1,400 and 390 px ($PIIRI_SCREENS, default
/tmp/screens-invoice-email)."""

import os
from pathlib import Path

import pytest

from services.mailing.worker import MailingWorker
from tests.browser.test_web_ui import log_in
from tests.conftest import start_system

pytestmark = pytest.mark.browser

PASSWORD = "sähköposti selaimessa 2026"
SCREENS = Path(os.environ.get("PIIRI_SCREENS", "/tmp/screens-invoice-email"))


@pytest.fixture
def system(run_services, config, clean_databases, smtp):
    settings = {"SMTP_HOST": smtp.host, "SMTP_PORT": smtp.smtp_port, "SMTP_FROM": "laskutus@piiri.example"}
    started = start_system(run_services, config, clean_databases, extra_config=settings)
    run_services(MailingWorker, extra_config=settings)
    return started


def test_b3_send_an_invoice_by_e_mail_from_its_page_and_see_it_sent(system, browser, smtp):
    SCREENS.mkdir(parents=True, exist_ok=True)
    system.create_user("postikassa", PASSWORD, role="treasurer")
    api = system.api(system.token("postikassa", PASSWORD))
    body = {"first_name": "Pirkko", "last_name": "Postinen", "email": "pirkko.postinen@example.fi"}
    contact = api.post("/api/v1/contacts", json=body).json()["id"]
    invoice = api.post(
        "/api/v1/billing/invoices",
        json={
            "contact_id": contact,
            "delivery": "email",
            "lines": [{"description": "Kurssi", "unit_price": "80.00"}],
        },
    ).json()

    browser.open("/login")
    log_in(browser, "postikassa", PASSWORD)
    browser.open(f"/billing/invoices/{invoice['id']}")
    assert browser.text("#email h2") == "Sähköposti"
    assert "pirkko.postinen@example.fi" in browser.text("#email-to")
    browser.click("#send-email")
    browser.wait_for_selector("#email-deliveries")
    browser.wait_for_selector(
        '.email-delivery[data-status="sent"]', timeout=20000
    )  # the page refreshes itself
    assert "lähetetty" in browser.text("#email-deliveries")
    [mail] = smtp.mailbox.to("pirkko.postinen@example.fi")
    assert mail["subject"].startswith(f"Lasku {invoice['number']}")
    assert mail["attachments"][0]["file_name"] == f"lasku-{invoice['number']}.pdf"
    for width in (1400, 390):
        browser.set_viewport_size({"width": width, "height": 900})
        browser.open(f"/billing/invoices/{invoice['id']}")
        assert browser.evaluate("document.documentElement.scrollWidth") <= width
        browser.screenshot(path=str(SCREENS / f"invoice-email-sent-fi-{width}.png"), full_page=True)

    # B3: the mail log (mail.send): the mail with its recipient and subject, filtered by status, linked to
    # its invoice; once the invoice is credited its page offers neither e-mail nor e-invoice (B3).
    system.create_user("postiloki", PASSWORD, role="admin")
    assert browser.reset()
    browser.open("/login")
    log_in(browser, "postiloki", PASSWORD)
    browser.open("/mailing")
    browser.click("#ml-nav-mails")
    browser.wait_for_selector("#mails")
    browser.select_option("#mail-status-filter", "sent")
    browser.click("#mail-filter-apply")
    browser.wait_for_url("**/mailing/mails?status=sent*")
    row = browser.text('.mail-row[data-status="sent"]')
    assert "pirkko.postinen@example.fi" in row and f"Lasku {invoice['number']}" in row and "lähetetty" in row
    browser.open("/mailing/mails?status=bounced")
    assert browser.count("#no-mails") == 1 and browser.count("#mails-next") == 0
    for width in (1400, 390):
        browser.set_viewport_size({"width": width, "height": 900})
        browser.open("/mailing/mails")
        assert browser.evaluate("document.documentElement.scrollWidth") <= width
        browser.screenshot(path=str(SCREENS / f"mail-log-fi-{width}.png"), full_page=True)
    browser.set_viewport_size({"width": 1400, "height": 900})
    browser.click(".mail-invoice")
    browser.wait_for_url(f"**/billing/invoices/{invoice['id']}*")
    browser.click("#credit-invoice")
    browser.wait_for_selector("#invoice-credits")  # the credit note's page
    assert browser.count("#send-email") == 0 and browser.count("#send-einvoice") == 0
    assert "Hyvityslaskua" in browser.text("#einvoice-refused")
    browser.open(f"/billing/invoices/{invoice['id']}")
    assert browser.count("#send-email") == 0 and browser.count("#einvoice-form") == 0
    assert "hyvitetty" in browser.text("#email-refused") and browser.count("#invoice-credit-notes") == 1
    browser.screenshot(path=str(SCREENS / "invoice-credited-fi-1400.png"), full_page=True)
