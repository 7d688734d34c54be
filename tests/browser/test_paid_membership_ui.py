"""B4 (issue 15) in headless Chromium: a contact's page shows the membership fees section; staff mark the
member honorary with a reason (a blank reason is refused, in Finnish), the contact list's paid-up filter
finds them, and the mark is removed again."""

import pytest

from tests.browser.test_web_ui import log_in

pytestmark = pytest.mark.browser

PASSWORD = "jäsenmaksut kuusessa 2026"


def test_b4_mark_a_member_honorary_on_the_contact_page_and_filter_the_list(system, browser):
    system.create_user("maija", PASSWORD, role="staff")
    api = system.api(system.token("maija", PASSWORD))
    hilkka = api.post("/api/v1/contacts", json={"first_name": "Hilkka", "last_name": "Kunnia"}).json()
    api.post("/api/v1/contacts", json={"first_name": "Olli", "last_name": "Maksamaton"})

    browser.open("/contacts")
    log_in(browser, "maija", PASSWORD)
    browser.open(f"/contacts/{hilkka['id']}")
    assert browser.text("#paid-membership h2") == "Jäsenmaksut"
    assert browser.text("#paid-periods") == "ei maksettuja kausia"
    browser.click("#membership-flag-add-open")
    browser.select_option("#membership-flag-kind", "honorary")
    browser.fill("#membership-flag-reason", "   ")
    browser.click("#set-membership-flag")
    browser.wait_for_selector("#paid-membership-errors")
    assert "Kirjoita peruste" in browser.text("#paid-membership-errors")

    browser.fill("#membership-flag-reason", "Perustajajäsen")
    browser.click("#set-membership-flag")
    browser.wait_for_selector("#membership-flag")
    assert "Kunniajäsen" in browser.text("#membership-flag") and "Perustajajäsen" in browser.text(
        "#membership-flag"
    )

    browser.open("/contacts")
    browser.click("#filters-toggle")  # the filters are folded away (issue 13 item 4)
    browser.fill("#filter-paid-up", "2027")
    browser.click("#search-submit")
    browser.wait_for_url("**paid_up=2027*")
    listed = browser.text("#contact-table")
    assert "Hilkka" in listed and "Olli" not in listed

    browser.open(f"/contacts/{hilkka['id']}")
    browser.click("#paid-membership form.inline-form button")
    browser.wait_for_selector("#membership-flag-add-open")  # the flag can be set again, behind its button
    assert browser.count("#membership-flag") == 0
