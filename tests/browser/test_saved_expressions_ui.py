"""Saved advanced searches in headless Chromium (C4): build "NOT deceased=only AND (city = Helsinki OR
city = Espoo)" on /contacts/advanced, save it, find it on the saved searches page in words, run it
from there and see the same results (the form filled again), update it from the page, and a name
already in use is refused clearly with nothing stored."""

import pytest

from tests.browser.test_web_ui import log_in

pytestmark = pytest.mark.browser

PASSWORD = "tallenna tarkka haku 7"
PEOPLE = (
    ("Helmi", "Honkanen", "Helsinki"),
    ("Eemil", "Esko", "Espoo"),
    ("Dagmar", "Dahl", "Helsinki"),  # deceased below
    ("Tuomas", "Toivonen", "Tampere"),
)


def result_names(browser):
    return [
        line.split("\t")[0].strip() for line in browser.text("#as-results tbody").splitlines() if line.strip()
    ]


def test_c4_save_an_advanced_search_and_run_it_from_the_saved_searches_list(system, browser):
    system.create_user("maija", PASSWORD, role="staff")
    api = system.api(system.token("maija", PASSWORD))
    ids = {}
    for first, last, city in PEOPLE:
        response = api.post("/api/v1/contacts", json={"first_name": first, "last_name": last, "city": city})
        assert response.status_code == 201, response.text
        ids[first] = response.json()["id"]
    assert api.post(f"/api/v1/contacts/{ids['Dagmar']}/deceased", json={"deceased_on": "2026-01-01"}).ok

    browser.open("/contacts")
    log_in(browser, "maija", PASSWORD)
    browser.open("/contacts/advanced")
    browser.select_option("#combine", "and")
    browser.select_option("#r1-field", "deceased")
    browser.fill("#r1-value", "only")
    browser.check("#r1-not")
    browser.select_option("#g-combine", "or")
    browser.select_option("#g1-field", "city")
    browser.fill("#g1-value", "Helsinki")
    browser.select_option("#g2-field", "city")
    browser.fill("#g2-value", "Espoo")
    browser.click("#as-submit")
    browser.wait_for_url("**g2_value=Espoo*")
    found = result_names(browser)
    assert found == ["Eemil Esko", "Helmi Honkanen"]
    assert browser.text("#as-count") == "2 osumaa"

    # Save it.
    browser.fill("#as-save-name", "Elävät pääkaupunkiseudulla")
    browser.click("#as-save-submit")
    browser.wait_for_url("**/saved-searches?notice=created")
    row = browser.text("#saved-searches tbody tr")
    assert "Elävät pääkaupunkiseudulla" in row and "Tarkennettu" in row
    assert "EI Kuollut: vain kuolleet JA (Kotikunta: Helsinki TAI Kotikunta: Espoo)" in row

    # A second save under the same name is refused on the advanced page; nothing is added.
    browser.open("/contacts/advanced?combine=and&r1_field=city&r1_value=Tampere")
    browser.fill("#as-save-name", "elävät pääkaupunkiseudulla")
    browser.click("#as-save-submit")
    assert "Sinulla on jo tämänniminen tallennettu haku." in browser.text("#as-save-errors")
    assert result_names(browser) == ["Tuomas Toivonen"]
    browser.open("/saved-searches")
    assert browser.count("#saved-searches tbody tr") == 1

    # Run it from the list: the same people, the form filled with its conditions.
    browser.click("#saved-searches a.ss-open")
    browser.wait_for_url("**/contacts/advanced?saved=*")
    assert "Elävät pääkaupunkiseudulla" in browser.text("#as-saved")
    assert result_names(browser) == found
    assert browser.text("#as-count") == "2 osumaa"
    assert browser.input_value("#r1-field") == "deceased"
    assert browser.input_value("#g2-value") == "Espoo"

    # Narrow it to Espoo and update the saved search from the page.
    browser.fill("#g1-value", "")
    browser.select_option("#g1-field", "")
    browser.click("#as-submit")
    browser.wait_for_url("**saved=*")
    assert result_names(browser) == ["Eemil Esko"]
    browser.click("#as-update-submit")
    browser.wait_for_url("**/saved-searches?notice=changed")
    assert "Kotikunta: Helsinki" not in browser.text("#saved-searches tbody tr")
    browser.click("#saved-searches a.ss-open")
    browser.wait_for_url("**/contacts/advanced?saved=*")
    assert result_names(browser) == ["Eemil Esko"]
