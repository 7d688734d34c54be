"""C2 rich standard fields in headless Chromium: fill a second e-mail (with "add another"), a work address
and tags in the contact form, save, see them on the contact page, find the contact by the second
e-mail and by a tag link; a bad row is explained beside itself."""

import pytest

from tests.browser.test_web_ui import log_in

pytestmark = pytest.mark.browser

PASSWORD = "kuusi kuusta kuusessa"


def test_c2_second_email_work_address_and_tags_through_the_form(system, browser):
    system.create_user("maija", PASSWORD, role="staff")
    browser.open("/contacts")
    log_in(browser, "maija", PASSWORD)
    browser.open("/contacts/new")
    browser.fill("#field-first_name", "Kaisa")
    browser.fill("#field-middle_name", "Helena")
    browser.fill("#field-last_name", "Mäkelä")
    browser.fill("#field-honorific", "tri")
    browser.fill("#emails-0-address", "kaisa@example.fi")
    # "add another": the form comes back with what was typed and one more blank row.
    browser.click("#add-emails")
    browser.wait_for_selector("#emails-1-address")
    assert browser.input_value("#emails-0-address") == "kaisa@example.fi"
    browser.fill("#emails-1-address", "kaisa.makela@tyo.example.com")
    browser.select_option("#emails-1-kind", "work")
    browser.fill("#phones-0-number", "040 111 2223")
    browser.fill("#addresses-0-street", "Hämeenkatu 1")
    browser.fill("#addresses-0-postal_code", "331")  # a bad code: explained beside its row
    browser.fill("#addresses-0-city", "Tampere")
    browser.select_option("#addresses-0-kind", "work")
    browser.fill("#field-tags", "hallitus, Vapaaehtoinen")
    browser.select_option("#field-gender", "female")
    browser.click("#save-contact")
    browser.wait_for_selector("#error-addresses-0-postal_code")
    assert "Suomalaisessa postinumerossa" in browser.text("#error-addresses-0-postal_code")
    assert browser.input_value("#emails-1-address") == "kaisa.makela@tyo.example.com"
    assert browser.input_value("#field-tags") == "hallitus, Vapaaehtoinen"
    browser.fill("#addresses-0-postal_code", "33100")
    browser.click("#save-contact")
    browser.wait_for_url("**/contacts/*-*")

    contact_url = browser.path
    emails = browser.text("#contact-emails")
    assert "kaisa@example.fi" in emails and "kaisa.makela@tyo.example.com (työ)" in emails
    assert browser.count('#contact-emails a[href="mailto:kaisa.makela@tyo.example.com"]') == 1
    assert browser.count('#contact-phones a[href="tel:+358401112223"]') == 1
    address = browser.text("#contact-addresses")
    assert "Hämeenkatu 1" in address and "33100 Tampere" in address and "työ" in address
    assert browser.text("#contact-tags").split() == ["hallitus", "vapaaehtoinen"]
    assert (
        browser.text("#detail-middle_name dd") == "Helena" and browser.text("#detail-gender dd") == "nainen"
    )

    # Found by the second e-mail from the list's search box.
    browser.open("/contacts")
    browser.fill("#q", "kaisa.makela@tyo")
    browser.click("#search-submit")
    browser.wait_for_url("**/contacts?q=*")
    assert "Kaisa Mäkelä" in browser.text("#contact-table")

    # A tag on the contact page links to the list filtered by it.
    browser.open(contact_url)
    browser.click('#contact-tags a:text("vapaaehtoinen")')
    browser.wait_for_url("**/contacts?tag=vapaaehtoinen")
    assert "Kaisa Mäkelä" in browser.text("#contact-table")
    assert browser.input_value("#filter-tag") == "vapaaehtoinen"

    # Emptying a row removes the entry.
    browser.open(contact_url + "/edit")
    browser.fill("#emails-0-address", "")
    browser.click("#save-contact")
    browser.wait_for_url(f"**{contact_url}")
    assert "kaisa@example.fi" not in browser.text("#contact-emails")
    assert "kaisa.makela@tyo.example.com" in browser.text("#contact-emails")
