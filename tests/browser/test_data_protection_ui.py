"""G1 and G5 in headless Chromium: record a consent on a person's data protection page and see it in the
view and its history; set a retention rule, see a long-inactive contact past retention and erase it
behind the confirmation page."""

import pytest
from sqlalchemy import text

from tests.browser.test_web_ui import log_in
from tests.integration.test_data_protection import seed_purposes

pytestmark = pytest.mark.browser

PASSWORD = "kuusi kuusta kuusessa"


def test_g1_record_a_consent_and_see_it_in_the_view_and_history(system, browser, clean_databases):
    seed_purposes(clean_databases)
    system.create_user("maija", PASSWORD, role="staff")
    api = system.api(system.token("maija", PASSWORD))
    anna = api.post("/api/v1/contacts", json={"first_name": "Anna", "last_name": "Aalto"}).json()

    browser.open("/contacts")
    log_in(browser, "maija", PASSWORD)
    assert browser.count("#nav-data-protection") == 0  # staff: no gdpr.officer, no retention pages
    browser.open(f"/contacts/{anna['id']}")
    assert browser.text("#data-protection h2") == "Tietosuoja"
    browser.click("#data-protection-link")
    browser.wait_for_url(f"**/contacts/{anna['id']}/data-protection")
    assert "ei kirjattu" in browser.text("#purpose-newsletter")
    browser.select_option("#consent-purpose", "newsletter")
    browser.select_option("#consent-given", "true")
    browser.select_option("#consent-source", "paper")
    browser.fill("#consent-text-version", "2026-1")
    browser.click("#record-consent")
    browser.wait_for_url(f"**/contacts/{anna['id']}/data-protection")
    assert "annettu" in browser.text("#purpose-newsletter .consent-state")
    history = browser.text("#consent-history")
    assert "Uutiskirje" in history and "Paperi" in history and "2026-1" in history and "voimassa" in history

    # A withdrawal dated in the future is refused with the reason, in Finnish; nothing is recorded.
    browser.select_option("#consent-given", "false")
    browser.fill("#consent-recorded-at", "2999-01-01T10:00")
    browser.click("#record-consent")
    browser.wait_for_selector("#dp-errors")
    assert "ei voi olla tulevaisuudessa" in browser.text("#dp-errors")
    browser.open(f"/contacts/{anna['id']}")
    assert browser.text("#consents-given") == "Uutiskirje"


def test_g5_retention_lists_a_contact_past_retention_and_erases_it(system, browser, clean_databases):
    seed_purposes(clean_databases)
    system.create_user("tsv", PASSWORD, role="admin")
    api = system.api(system.token("tsv", PASSWORD))
    old = api.post("/api/v1/contacts", json={"first_name": "Olli", "last_name": "Vanhanen"}).json()
    api.post("/api/v1/contacts", json={"first_name": "Uuno", "last_name": "Uusi"})
    with clean_databases["contacts"].begin() as conn:
        conn.execute(
            text("UPDATE contacts SET updated_at = '2014-05-06T12:00:00Z' WHERE id = :id"), {"id": old["id"]}
        )

    browser.open("/contacts")
    log_in(browser, "tsv", PASSWORD)
    browser.nav("#nav-data-protection")
    browser.wait_for_url("**/data-protection/retention")
    assert browser.count("#no-past") == 1
    browser.fill("#rule-name", "Passiiviset 5 v")
    browser.select_option("#rule-kind", "inactive")
    browser.fill("#rule-years", "5")
    browser.click("#add-rule")
    browser.wait_for_url("**/data-protection/retention")
    table = browser.text("#past-table")
    assert "Olli Vanhanen" in table and "Uuno Uusi" not in table and "6.5.2019" in table
    assert browser.text("#past-count") == "1 yhteystietoa"

    browser.check(f"#select-{old['id']}")
    browser.click("#erase-selected")
    browser.wait_for_url("**/data-protection/retention/erase")
    assert "Poistetaan 1 yhteystietoa" in browser.text("#erase-count")
    assert browser.text("#erase-undo") == "Poistoa ei voi perua."
    browser.fill("#erase-reason", "Säilytysaika päättynyt")
    browser.click("#confirm-erase")
    browser.wait_for_selector("#erase-all-done")
    assert "1 yhteystiedolle" in browser.text("#erase-requested")
    assert api.get(f"/api/v1/contacts/{old['id']}").status_code == 404
    browser.click("#back-to-retention")
    browser.wait_for_url("**/data-protection/retention")
    assert browser.count("#no-past") == 1

    # G1: a custom processing purpose, offered on every person's data protection page.
    browser.click("#nav-purposes")
    browser.wait_for_url("**/data-protection/purposes")
    browser.fill("#purpose-code", "alumni")
    browser.fill("#purpose-label-fi", "Alumnitoiminta")
    browser.fill("#purpose-label-en", "Alumni")
    browser.select_option("#purpose-basis", "legitimate_interest")
    browser.click("#create-purpose")
    browser.wait_for_selector("#purposes-saved")
    assert "alumni" in browser.text("#purposes-table")
    browser.fill("#purpose-code", "alumni")
    browser.fill("#purpose-label-fi", "Toinen")
    browser.fill("#purpose-label-en", "Other")
    browser.click("#create-purpose")
    browser.wait_for_selector("#purpose-errors")
