"""Duplicates and merge in headless Chromium (C11): two duplicates (same e-mail, names differing by an
accent) are listed on /duplicates, compared side by side with the difference highlighted, merged keeping
one field from each; the merged-away id's URL shows the survivor, which keeps both group memberships."""

import pytest

from tests.browser.test_web_ui import log_in

pytestmark = pytest.mark.browser

PASSWORD = "kuusi kuusta kuusessa"


def test_c11_duplicates_listed_compared_and_merged(system, browser):
    system.create_user("pirkko", PASSWORD, role="admin")
    api = system.api(system.token("pirkko", PASSWORD))
    jose = api.post(
        "/api/v1/contacts", json={"first_name": "José", "last_name": "Virtanen", "email": "jose@example.fi"}
    ).json()["id"]
    jose2 = api.post(
        "/api/v1/contacts",
        json={"first_name": "Jose", "last_name": "Virtanen", "email": "jose@example.fi", "city": "Oulu"},
    ).json()["id"]
    api.post("/api/v1/contacts", json={"first_name": "Liisa", "last_name": "Muu"})
    boards = [api.post("/api/v1/groups", json={"name": name}).json()["id"] for name in ("Hallitus", "Kuoro")]
    for group_id, contact_id in zip(boards, (jose, jose2), strict=True):
        added = api.post(f"/api/v1/groups/{group_id}/members", json={"contact_ids": [contact_id]})
        assert added.status_code == 200, added.text

    browser.open("/contacts")
    log_in(browser, "pirkko", PASSWORD)
    # "Vertaa valittuja" from the contact list's checkboxes.
    browser.open("/contacts?q=virtanen")
    for contact_id in (jose, jose2):
        browser.check(f'input.select-contact[value="{contact_id}"]')
    browser.click("#compare-selected")
    browser.wait_for_url("**/compare?*")
    assert browser.count("#row-first_name.differs") == 1

    browser.open("/duplicates")
    browser.click("#scan-duplicates")
    browser.wait_for_selector("#duplicate-table")
    table = browser.text("#duplicate-table")
    assert "José Virtanen" in table and "Jose Virtanen" in table and "Liisa" not in table
    assert "sama sähköposti" in table

    # The contact page lists the other one too.
    browser.open(f"/contacts/{jose}")
    assert "Jose Virtanen" in browser.text("#contact-duplicates")

    browser.open("/duplicates")
    browser.click("#duplicate-table a.button")
    browser.wait_for_url("**/compare?ids=*")
    assert browser.count("#row-first_name.differs") == 1
    assert browser.count("#row-city.differs") == 1
    assert browser.count("#row-last_name.differs") == 0
    # Keep José (survivor: the first column, whichever that is) and Oulu from the other.
    survivor_column = 1 if "José" in browser.text("#compare-table thead th:nth-child(2)") else 2
    other_column = 3 - survivor_column
    browser.check(f"#survivor-{survivor_column}")
    browser.check(f"#choose-first_name-{survivor_column}")
    browser.check(f"#choose-city-{other_column}")
    browser.click("#merge-button")
    browser.wait_for_url("**/compare/confirm")
    assert "Jose Virtanen" in browser.text("#merge-deleted")
    assert "Oulu" in browser.text("#merge-changes")
    browser.click("#confirm-merge")
    browser.wait_for_url(f"**/contacts/{jose}*")
    page = browser.text("body")
    assert "Oulu" in page and "Muutokset on tallennettu." in page

    browser.open(f"/contacts/{jose2}")
    assert "José Virtanen" in browser.text("h1")
    assert browser.count("#merge-redirected") == 1
    groups = browser.text("#contact-groups")
    assert "Hallitus" in groups and "Kuoro" in groups


def test_c11_a_refused_merge_explains_why_and_changes_nothing(system, browser):
    system.create_user("pirkko", PASSWORD, role="admin")
    api = system.api(system.token("pirkko", PASSWORD))
    ids = [
        api.post("/api/v1/contacts", json={"first_name": first, "last_name": "Aho"}).json()["id"]
        for first in ("Anna", "Aino", "Bea", "Bo")
    ]
    for one, two in ((ids[0], ids[2]), (ids[1], ids[3])):  # both are in a couple with someone else
        assert api.post("/api/v1/couples", json={"contact_ids": [one, two]}).status_code == 201
    browser.open("/contacts")
    log_in(browser, "pirkko", PASSWORD)
    browser.open(f"/compare?ids={ids[0]},{ids[1]}")
    browser.click("#merge-button")
    browser.wait_for_url("**/compare/confirm")
    browser.click("#confirm-merge")
    browser.wait_for_selector("#merge-errors")
    assert "pura toinen pari ensin" in browser.text("#merge-errors")
    assert api.get(f"/api/v1/contacts/{ids[1]}").json()["id"] == ids[1]
