"""C3 in headless Chromium: an admin defines a single choice field "Jäsenlaji", fills it in on a
contact's form (required value missing -> error beside the field), sees it on the page, filters by it."""

import pytest

from tests.browser.test_web_ui import log_in

pytestmark = pytest.mark.browser

PASSWORD = "seitsemän veljestä"


def test_c3_admin_defines_fills_sees_and_filters_a_custom_field(system, browser):
    system.create_user("paakayttaja", PASSWORD, role="admin")
    api = system.api(system.token("paakayttaja", PASSWORD))
    other = api.post("/api/v1/contacts", json={"first_name": "Olli", "last_name": "Muu"})
    contact = api.post("/api/v1/contacts", json={"first_name": "Eino", "last_name": "Äijälä"})
    assert contact.status_code == 201 and other.status_code == 201
    contact_id = contact.json()["id"]

    browser.open("/login")
    log_in(browser, "paakayttaja", PASSWORD)
    browser.nav("#nav-custom-fields")
    browser.wait_for_url("**/settings/custom-fields")

    # A bad key is refused beside its input; then the field is created.
    browser.fill("#cf-key", "Jäsenlaji")
    browser.fill("#cf-label_fi", "Jäsenlaji")
    browser.click("#create-custom-field")
    assert browser.count("#error-cf-key") == 1
    browser.fill("#cf-key", "jasenlaji")
    browser.fill("#cf-label_en", "Membership")
    browser.select_option("#cf-field_type", "choice")
    browser.check("#cf-required")
    browser.fill("#cf-help_fi", "Jäsenen laji jäsenrekisterissä")
    browser.fill(
        "#cf-choices", "varsinainen | Varsinainen jäsen | Full member\nkannatus | Kannatusjäsen | Supporter"
    )
    browser.click("#create-custom-field")
    browser.wait_for_url("**/settings/custom-fields")
    assert "Jäsenlaji" in browser.text("#cf-row-jasenlaji")

    # The contact form shows the field; leaving the required field empty gives an error beside it.
    browser.open(f"/contacts/{contact_id}/edit")
    assert "Jäsenen laji jäsenrekisterissä" in browser.text("#field-custom-jasenlaji")
    browser.click("#save-contact")
    assert browser.text("#error-custom-jasenlaji") == "Pakollinen tieto."
    browser.select_option("#custom-jasenlaji", "kannatus")
    browser.click("#save-contact")
    browser.wait_for_url(f"**/contacts/{contact_id}")
    assert browser.text("#custom-jasenlaji dd") == "Kannatusjäsen"

    # The list's filter form finds the contact by the field.
    browser.open("/contacts")
    browser.click("#filters-toggle")  # the filters are folded away (issue 13 item 4)
    browser.click("#custom-filters summary")
    browser.select_option("#filter-jasenlaji", "kannatus")
    browser.click("#search-submit")
    browser.wait_for_url("**/contacts?*jasenlaji=kannatus*")
    table = browser.text("#contact-table")
    assert "Eino Äijälä" in table and "Olli Muu" not in table
