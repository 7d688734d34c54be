"""The audit log in headless Chromium (G2, S2): an administrator opens Tapahtumaloki, searches for what one
user did, sees the row with a link to the contact, opens that user's own page and the contact's full
history, downloads the CSV (which is then in the log too) and checks the hash chain; a user without
audit.view gets neither the link nor the page."""

import time

import pytest

from tests.browser.test_web_ui import log_in

pytestmark = pytest.mark.browser

PASSWORD = "kuusi kuusta kuusessa"
FETCH_TEXT = "url => fetch(url, {credentials: 'same-origin'}).then(response => response.text())"


def test_g2_admin_searches_the_log_for_a_users_actions_and_downloads_csv(system, browser):
    system.create_user("pirkko", PASSWORD, role="admin")
    system.create_user("staffer", PASSWORD, role="staff")
    admin = system.api(system.token("pirkko", PASSWORD))
    contact = admin.post("/api/v1/contacts", json={"first_name": "Aino", "last_name": "Aalto"}).json()["id"]
    staff = system.api(system.token("staffer", PASSWORD))
    assert staff.get(f"/api/v1/contacts/{contact}").status_code == 200
    deadline = time.monotonic() + 10
    while not admin.get("/api/v1/audit/events", params={"actor": "staffer"}).json()["items"]:
        assert time.monotonic() < deadline, "the staffer's read never reached the log"
        time.sleep(0.1)

    browser.open("/contacts")
    log_in(browser, "pirkko", PASSWORD)
    browser.nav("#nav-audit")
    browser.wait_for_url("**/audit")
    browser.fill("#filter-actor", "staffer")
    browser.click("#audit-search")
    browser.wait_for_url("**/audit?*actor=staffer*")
    rows = browser.text("#audit-log-table tbody")
    assert "staffer" in rows and "katseli" in rows and "pirkko" not in rows
    assert browser.count(f'#audit-log-table a.audit-subject[href="/contacts/{contact}"]') == 1

    browser.click("#audit-log-table a.audit-actor")
    browser.wait_for_url("**/audit/users/*")
    assert browser.text("#audit-trail-title") == "Käyttäjän staffer toimet"
    assert "katseli" in browser.text("#audit-log-table")

    browser.open("/audit?actor=staffer")
    csv_url = browser.get_attribute("#audit-csv", "href")
    csv_text = browser.evaluate(FETCH_TEXT, csv_url)
    assert csv_text.lstrip("\ufeff").startswith("occurred_at,chain_seq,actor_id,actor_username")
    assert "staffer" in csv_text and "contact.viewed" in csv_text and "pirkko" not in csv_text
    browser.open("/audit?action=audit.exported")
    assert "latasi tapahtumalokin" in browser.text("#audit-log-table")

    browser.click("#audit-verify")
    browser.wait_for_selector("#chain-status")
    assert browser.get_attribute("#chain-status", "data-intact") == "true"
    assert "Ketju on ehjä" in browser.text("#chain-status")

    browser.open(f"/contacts/{contact}")
    browser.click("#audit-full-trail")
    browser.wait_for_url(f"**/audit/contacts/{contact}")
    history = browser.text("#audit-log-table")
    assert "staffer" in history and "pirkko" in history and "loi" in history


def test_g2_bad_filters_show_why_and_users_without_audit_view_get_no_log(system, browser):
    system.create_user("pirkko", PASSWORD, role="admin")
    system.create_user("lukija", PASSWORD, role="read_only")
    browser.open("/contacts")
    log_in(browser, "pirkko", PASSWORD)
    browser.open("/audit?since=2026-03-05&until=2026-03-01")
    assert browser.count("#audit-errors") == 1
    browser.nav("#logout")

    browser.open("/contacts")
    log_in(browser, "lukija", PASSWORD)
    assert browser.count("#nav-audit") == 0
    for path in ("/audit", "/audit/users/x", "/audit/contacts/x", "/audit/events.csv"):
        browser.open(path)
        assert "Sinulla ei ole oikeutta" in browser.text("main"), path
