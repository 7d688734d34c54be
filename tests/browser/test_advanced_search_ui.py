"""Advanced search in headless Chromium (C4): build "(city = Helsinki OR city = Espoo) AND NOT
deceased=only, sorted by birth date" on /contacts/advanced and see the right people in the right
order with the count; a bad value is shown at its row; paging keeps the conditions."""

import pytest

from tests.browser.test_web_ui import log_in

pytestmark = pytest.mark.browser

PASSWORD = "tarkka haku kuusi kuusta"
PEOPLE = (
    # first, last, city, birth date
    ("Helmi", "Honkanen", "Helsinki", "1990-04-04"),
    ("Eemil", "Esko", "Espoo", "1960-06-06"),
    ("Hanna", "Heino", "helsinki", "1975-05-05"),
    ("Dagmar", "Dahl", "Helsinki", "1950-01-01"),  # deceased below
    ("Tuomas", "Toivonen", "Tampere", "1970-07-07"),
    ("Essi", "Eklund", "Espoo", None),
)


def test_c4_build_an_and_or_not_search_sorted_by_birth_date(system, browser):
    system.create_user("maija", PASSWORD, role="staff")
    api = system.api(system.token("maija", PASSWORD))
    ids = {}
    for first, last, city, born in PEOPLE:
        data = {"first_name": first, "last_name": last, "city": city}
        if born:
            data["birth_date"] = born
        response = api.post("/api/v1/contacts", json=data)
        assert response.status_code == 201, response.text
        ids[first] = response.json()["id"]
    assert api.post(f"/api/v1/contacts/{ids['Dagmar']}/deceased", json={"deceased_on": "2026-01-01"}).ok

    browser.open("/contacts")
    log_in(browser, "maija", PASSWORD)
    browser.click("#filters-toggle")  # the filters are folded away (issue 13 item 4)
    browser.click("#advanced-search-link")
    browser.wait_for_url("**/contacts/advanced")
    assert browser.text("h1") == "Tarkennettu haku"

    browser.select_option("#combine", "and")
    browser.select_option("#r1-field", "deceased")
    assert browser.get_attribute("#r1-value", "list") == "as-values-deceased"  # the field's words offered
    browser.fill("#r1-value", "vain kuolleet")  # words, not codes (issue 13 item 6)
    browser.check("#r1-not")
    browser.select_option("#g-combine", "or")
    browser.select_option("#g1-field", "city")
    browser.fill("#g1-value", "Helsinki")
    browser.select_option("#g2-field", "city")
    browser.fill("#g2-value", "Espoo")
    browser.select_option("#sort", "birth_date")
    browser.click("#as-submit")
    browser.wait_for_url("**sort=birth_date*")

    names = [
        line.split("\t")[0].strip() for line in browser.text("#as-results tbody").splitlines() if line.strip()
    ]
    assert names == ["Eemil Esko", "Hanna Heino", "Helmi Honkanen", "Essi Eklund"]  # no birth date: last
    assert browser.text("#as-count") == "4 osumaa"
    assert "Dagmar" not in browser.text("#as-results") and "Tuomas" not in browser.text("#as-results")

    # Descending: still nulls last; the form keeps what was chosen.
    browser.select_option("#direction", "desc")
    browser.click("#as-submit")
    browser.wait_for_url("**direction=desc*")
    names = [
        line.split("\t")[0].strip() for line in browser.text("#as-results tbody").splitlines() if line.strip()
    ]
    assert names == ["Helmi Honkanen", "Hanna Heino", "Eemil Esko", "Essi Eklund"]
    assert browser.call("is_checked", "#r1-not") is True
    assert browser.input_value("#r1-value") == "vain kuolleet"

    # A word that is no value of its field is named at its row with the words it could be.
    browser.select_option("#r3-field", "kind")
    browser.fill("#r3-value", "kuka")
    browser.click("#as-submit")
    browser.wait_for_url("**r3_value=kuka*")
    assert browser.text("#r3-error") == "”kuka” ei ole mikään näistä: Henkilö, Yhteisö."
    assert browser.count("#as-results") == 0
    browser.fill("#r3-value", "")

    # A bad value is named at its row, in Finnish-UI page with status 422, and nothing is listed.
    browser.select_option("#r2-field", "age_min")
    browser.fill("#r2-value", "vanha")
    browser.click("#as-submit")
    browser.wait_for_url("**r2_value=vanha*")
    assert "years" in browser.text("#r2-error") or "vuo" in browser.text("#r2-error")
    assert browser.count("#as-results") == 0
