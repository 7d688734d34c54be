"""Saved searches in headless Chromium (C4): build a search (query + the deceased filter), see its
result count, save it shared; another staff user opens it from the saved searches page and sees the
same results and count; the owner renames, unshares and deletes it behind a confirmation."""

import pytest

from tests.browser.test_web_ui import log_in

pytestmark = pytest.mark.browser

PASSWORD = "viisi vihreää varista"


def test_c4_save_a_shared_search_and_open_it_as_another_user(system, browser):
    system.create_user("maija", PASSWORD, role="staff")
    system.create_user("pekka", PASSWORD, role="staff")
    api = system.api(system.token("maija", PASSWORD))
    for first, last in (("Anna", "Virtanen"), ("Matti", "Virtanen"), ("Eino", "Virtanen"), ("Liisa", "Aho")):
        assert api.post("/api/v1/contacts", json={"first_name": first, "last_name": last}).ok
    eino = api.get("/api/v1/contacts", params={"q": "eino"}).json()["items"][0]["id"]
    assert api.post(f"/api/v1/contacts/{eino}/deceased", json={"deceased_on": "2026-01-01"}).ok

    # Maija builds the search: a query and a filter; the list shows the count.
    browser.open("/contacts")
    log_in(browser, "maija", PASSWORD)
    assert browser.text("#result-count") == "4 osumaa"
    browser.fill("#q", "virtanen")
    browser.click("#filters-toggle")  # the filters are folded away (issue 13 item 4)
    browser.select_option("#filter-deceased", "exclude")
    browser.click("#search-submit")
    browser.wait_for_url("**deceased=exclude*")
    table = browser.text("#contact-table")
    assert "Anna Virtanen" in table and "Matti Virtanen" in table and "Eino" not in table
    assert browser.text("#result-count") == "2 osumaa"

    # … and saves it, shared with everyone.
    browser.click("#save-search-toggle")
    browser.fill("#save-search-name", "Elävät Virtaset")
    browser.check("#save-search-shared")
    browser.click("#save-search-submit")
    browser.wait_for_url("**/saved-searches?notice=created")
    assert browser.text("#ss-notice") == "Haku on tallennettu."
    row = browser.text("#saved-searches tbody tr")
    assert "Elävät Virtaset" in row and "jaettu kaikille" in row and "virtanen" in row

    # A name she already uses is refused, clearly, and nothing is added.
    browser.open("/contacts?q=aho")
    browser.click("#save-search-toggle")
    browser.fill("#save-search-name", "elävät virtaset")
    browser.click("#save-search-submit")
    browser.wait_for_url("**/saved-searches")
    assert "Sinulla on jo tämänniminen tallennettu haku." in browser.text("#ss-errors")
    assert browser.count("#saved-searches tbody tr") == 1
    browser.nav("#logout")
    browser.wait_for_url("**/login")

    # Pekka opens it from the saved searches page: the same results and count.
    log_in(browser, "pekka", PASSWORD)
    browser.nav("#nav-saved-searches")
    browser.wait_for_url("**/saved-searches")
    row = browser.text("#saved-searches tbody tr")
    assert "Elävät Virtaset" in row and "maija" in row
    assert browser.count("#saved-searches .ss-actions form") == 0  # not his to change
    browser.click("#saved-searches a.ss-open")
    browser.wait_for_url("**/contacts?q=virtanen&deceased=exclude")
    table = browser.text("#contact-table")
    assert "Anna Virtanen" in table and "Matti Virtanen" in table and "Eino" not in table
    assert browser.text("#result-count") == "2 osumaa"
    assert browser.input_value("#filter-deceased") == "exclude"
    # The list's picker opens it too.
    browser.open("/contacts")
    browser.select_option("#saved-search-select", label="Elävät Virtaset (maija)")
    browser.click("#saved-search-open-submit")
    browser.wait_for_url("**/contacts?q=virtanen&deceased=exclude")
    assert browser.text("#result-count") == "2 osumaa"
    browser.nav("#logout")
    browser.wait_for_url("**/login")

    # Maija renames it, stops sharing it and deletes it behind a confirmation.
    log_in(browser, "maija", PASSWORD)
    browser.open("/saved-searches")
    search_id = browser.get_attribute("#saved-searches tbody tr", "data-saved-search-id")
    browser.fill(f"#rename-{search_id}", "Virtaset")
    browser.click(f"#rename-{search_id} + button")
    browser.wait_for_url("**/saved-searches?notice=changed")
    browser.click(f"#share-{search_id}")
    browser.wait_for_url("**/saved-searches?notice=changed")
    row = browser.text("#saved-searches tbody tr")
    assert "Virtaset" in row and "vain minulle" in row
    browser.click(f"#delete-{search_id}")
    browser.wait_for_url(f"**/saved-searches/{search_id}/delete")
    browser.click("#confirm-delete-search")
    browser.wait_for_url("**/saved-searches?notice=deleted")
    assert browser.count("#no-saved-searches") == 1
