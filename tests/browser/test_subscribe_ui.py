"""M3 in headless Chromium: the subscription form's card on a list's page (switch, share link, snippet,
counts), the hosted page filled and sent like a person (after the minimum fill time), the confirmation
link opened from the mail the SMTP emulator caught, confirmed with its button, and opened again
("already confirmed"); axe-core finds nothing serious on them. Screenshots at 1,400 and 390 px
($PIIRI_SCREENS, default /tmp/screens-subscribe)."""

import os
import re
import time
from pathlib import Path

import pytest

from services.mailing.worker import MailingWorker
from tests.browser.axe import assert_accessible
from tests.browser.test_web_ui import log_in
from tests.conftest import ADMIN_PASSWORD, start_system, subscribe_settings
from tests.events import wait_for

pytestmark = pytest.mark.browser

SCREENS = Path(os.environ.get("PIIRI_SCREENS", "/tmp/screens-subscribe"))
LINK = re.compile(r"https?://[^/\s]+(/subscribe/\S+/confirm/\S+)")


@pytest.fixture
def system(run_services, config, clean_databases, smtp):
    settings = subscribe_settings(smtp, clean_databases)
    started = start_system(run_services, config, clean_databases, extra_config=settings)
    run_services(MailingWorker, extra_config=settings)
    return started


def shoot(browser, name):
    for width in (1400, 390):
        browser.set_viewport_size({"width": width, "height": 900})
        browser.reload()
        wide = browser.evaluate(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > "
            "document.documentElement.clientWidth + 1).map(e => e.tagName + '#' + e.id + '.' + e.className)"
        )
        assert browser.evaluate("document.documentElement.scrollWidth") <= width, (name, width, wide[:5])
        browser.screenshot(path=str(SCREENS / f"{name}-{width}.png"), full_page=True)
        assert_accessible(browser, f"{name} at {width} px")
    browser.set_viewport_size({"width": 1400, "height": 900})


def test_m3_subscribe_on_the_hosted_page_and_confirm_from_the_mail(system, browser, smtp):
    SCREENS.mkdir(parents=True, exist_ok=True)
    system.create_user("admin", ADMIN_PASSWORD, role="admin")
    api = system.api(system.token("admin", ADMIN_PASSWORD))
    group = api.post("/api/v1/groups", json={"name": "Lehden tilaajat"}).json()
    made = api.post(
        "/api/v1/mailing-lists",
        json={
            "name": "Jäsenlehti",
            "purpose": "newsletter",
            "source_kind": "group",
            "source_id": group["id"],
        },
    ).json()

    browser.open("/login")
    log_in(browser, "admin", ADMIN_PASSWORD)
    browser.open(f"/mailing/{made['id']}")
    assert browser.get_attribute("#sub-card-state", "data-enabled") == "false"
    browser.click("#sub-enable")
    browser.wait_for_selector('#sub-card-state[data-enabled="true"]')
    assert "Tilauslomake tallennettu." in browser.text("#sub-card-notice")
    share = browser.text("#sub-share-link")
    assert share.startswith(system.base_url + "/subscribe/")
    assert "<form" in browser.input_value("#sub-snippet")
    shoot(browser, "list-card-fi")

    token = share.rsplit("/", 1)[1]
    browser.open(f"/subscribe/{token}?lang=fi")
    assert browser.text("#sub-title") == "Tilaa: Jäsenlehti"
    assert "Jäsenlehti" in browser.text("#sub-consent")
    shoot(browser, "public-page-fi")
    browser.open(f"/subscribe/{token}?lang=sv")
    assert browser.text("#sub-title") == "Prenumerera: Jäsenlehti"
    shoot(browser, "public-page-sv")

    browser.open(f"/subscribe/{token}?lang=fi")
    browser.fill("#sub-email", "lukija@example.fi")
    browser.fill("#sub-first_name", "Laura")
    browser.fill("#sub-last_name", "Lukija")
    time.sleep(1.2)  # a person takes longer than the minimum fill time
    browser.click("#sub-submit")
    browser.wait_for_selector("#sub-sent")
    shoot(browser, "public-sent-fi")
    assert wait_for(lambda: smtp.mailbox.to("lukija@example.fi"), 20)
    [mail] = smtp.mailbox.to("lukija@example.fi")
    link = LINK.search(mail["text"]).group(1)

    browser.open(link)
    browser.wait_for_selector('#sub-state[data-state="pending"]')
    browser.click("#sub-confirm")
    browser.wait_for_selector('#sub-state[data-state="confirmed"]')
    assert "Suostumuksesi on tallennettu" in browser.text("main")
    browser.screenshot(path=str(SCREENS / "public-confirmed-fi-1400.png"), full_page=True)
    browser.open(link)
    browser.wait_for_selector('#sub-state[data-state="already_confirmed"]')
    shoot(browser, "public-already-fi")

    browser.open(f"/mailing/{made['id']}")
    assert browser.text("#sub-counts") == "Odottaa vahvistusta: 0 · vahvistettu: 1"
