"""Person details in headless Chromium: a Cyrillic alternative name finds the person (C12); marking
deceased behind a confirmation shows † in the list, and the "leave out deceased" filter hides them (C14)."""

import pytest

from tests.browser.test_web_ui import log_in

pytestmark = pytest.mark.browser

PASSWORD = "kuusi kuusta kuusessa"


def test_c12_c14_cyrillic_name_and_deceased_in_the_list(system, browser):
    system.create_user("maija", PASSWORD, role="staff")
    api = system.api(system.token("maija", PASSWORD))
    olga = api.post("/api/v1/contacts", json={"first_name": "Olga", "last_name": "Ivanova", "city": "Turku"})
    assert olga.status_code == 201, olga.text
    olga_id = olga.json()["id"]
    api.post("/api/v1/contacts", json={"first_name": "Eino", "last_name": "Ivanov"})

    browser.open("/contacts")
    log_in(browser, "maija", PASSWORD)

    # C12: add a Cyrillic spelling on the contact page, then find her by it.
    browser.open(f"/contacts/{olga_id}")
    assert browser.text("#person h2") == "Nimet ja tilat"
    browser.click("#alt-name-add-open")  # a rare form, behind its "Add…" button (issue 13 item 5)
    browser.fill("#alt-first-name", "Ольга")
    browser.fill("#alt-last-name", "Иванова")
    browser.select_option("#alt-kind", "native")
    browser.select_option("#alt-script", "Cyrl")
    browser.click("#add-alt-name")
    browser.wait_for_url(f"**/contacts/{olga_id}*")
    assert "Ольга Иванова" in browser.text("#alt-names")
    browser.open("/contacts")
    browser.fill("#q", "Иванова")
    browser.click("#search-submit")
    browser.wait_for_url("**/contacts?q=*")
    assert "Olga Ivanova" in browser.text("#contact-table")
    assert "Eino Ivanov" not in browser.text("#contact-table")

    # C14: mark deceased behind a confirmation page; † and the date on the contact page.
    browser.open(f"/contacts/{olga_id}")
    browser.click("#mark-deceased")
    browser.wait_for_url(f"**/contacts/{olga_id}/deceased")
    browser.fill("#deceased-on", "2026-11-01")
    browser.click("#confirm-deceased")
    browser.wait_for_url(f"**/contacts/{olga_id}*")
    assert browser.text("#contact-deceased") == "† 1.11.2026"

    # The list shows † while the filter is off, and leaves her out when it is on.
    browser.open("/contacts?q=ivanov")
    table = browser.text("#contact-table")
    assert "Olga Ivanova" in table and "† 1.11.2026" in table
    browser.click("#filters-toggle")  # the filters are folded away (issue 13 item 4)
    browser.select_option("#filter-deceased", "exclude")
    browser.click("#search-submit")
    browser.wait_for_url("**deceased=exclude*")
    table = browser.text("#contact-table")
    assert "Eino Ivanov" in table and "Olga Ivanova" not in table and "†" not in table
    assert browser.input_value("#filter-deceased") == "exclude"


def test_c9_c10_status_and_couple_from_the_contact_page(system, browser, clean_databases):
    """C9: add a status (badge in the list), a refused date is explained; C10: link by searching the
    partner, see the address name, unlink."""
    from tests.integration.test_person import seed_status_kinds

    seed_status_kinds(clean_databases)
    system.create_user("maija", PASSWORD, role="staff")
    api = system.api(system.token("maija", PASSWORD))
    anna = api.post("/api/v1/contacts", json={"first_name": "Anna", "last_name": "Virtanen"}).json()
    api.post("/api/v1/contacts", json={"first_name": "Matti", "last_name": "Virtanen"})
    browser.open("/contacts")
    log_in(browser, "maija", PASSWORD)

    browser.open(f"/contacts/{anna['id']}")
    browser.click("#status-add-open")
    browser.select_option("#status-kind", "abroad")
    browser.fill("#status-starts", "2026-01-10")
    browser.fill("#status-ends", "2026-01-01")
    browser.click("#add-status")
    assert "Päättymispäivä ei voi olla ennen alkamispäivää." in browser.text("#person-errors")
    browser.fill("#status-starts", "2026-01-10")
    browser.fill("#status-ends", "")
    browser.click("#add-status")
    browser.wait_for_url(f"**/contacts/{anna['id']}*")
    assert "Ulkomailla" in browser.text("#statuses")
    assert "Ulkomailla" in browser.text("#contact-flags")  # an active status shows in the summary
    browser.open("/contacts?q=anna")
    assert "Ulkomailla" in browser.text("#contact-table .badge-status")

    browser.open(f"/contacts/{anna['id']}")
    browser.click("#link-couple")
    browser.wait_for_url(f"**/contacts/{anna['id']}/couple")
    browser.fill("#partner-q", "matti")
    browser.click("#partner-search")
    browser.wait_for_url("**/couple?q=matti")
    browser.click("#partner-matches button")
    browser.wait_for_url(f"**/contacts/{anna['id']}*")
    assert browser.text("#partner-link") == "Matti Virtanen"
    assert browser.text("#couple-address-name") in ("Anna ja Matti Virtanen", "Matti ja Anna Virtanen")
    browser.click("#unlink-couple")
    browser.wait_for_url(f"**/contacts/{anna['id']}*")
    assert browser.count("#partner-link") == 0
