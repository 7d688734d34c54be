"""Issue 13 item 9 in headless Chromium: a contact form with several mistakes shows every one of them after
one save, each beside its field with an example of what would do, the typed values kept, and the cursor in
the first invalid field of the page (autofocus, no script needed); fixing them all saves in one more go."""

import pytest

from tests.browser.test_web_ui import log_in

pytestmark = pytest.mark.browser

PASSWORD = "kuusi kuusta kuusessa"


def test_issue13_item9_a_form_shows_all_its_errors_at_once_and_focuses_the_first(system, browser):
    system.create_user("maija", PASSWORD, role="staff")
    browser.open("/login")
    log_in(browser, "maija", PASSWORD)
    browser.set_viewport_size({"width": 1400, "height": 900})
    browser.open("/contacts/new")
    browser.fill("#emails-0-address", "maija(at)example")  # no names at all, a bad e-mail,
    browser.fill("#phones-0-number", "123")  # a phone number too short for Finland,
    browser.fill("#field-website", "ftp://yhdistys.fi")  # a website that is no web address
    browser.fill("#addresses-0-postal_code", "1")  # and a Finnish postal code of one digit
    browser.click("#save-contact")
    browser.wait_for_selector("#form-errors")

    expected = {
        "#error-last_name": "Henkilöllä pitää olla etu- tai sukunimi.",
        "#error-emails-0-address": "Sähköpostiosoite ei kelpaa: kirjoita muodossa nimi@esimerkki.fi.",
        "#error-website": "https://yhdistys.fi",
        "#error-addresses-0-postal_code": "Suomalaisessa postinumerossa on viisi numeroa, esimerkiksi 00100.",
    }
    for selector, words in expected.items():
        assert words in browser.text(selector), selector
    assert "040 123 4567" in browser.text("#error-phones-0-number")  # an example of a good number
    assert browser.count("[aria-invalid='true']") == 5
    assert browser.input_value("#emails-0-address") == "maija(at)example"  # what was typed stays
    assert browser.count("[autofocus]") == 1
    assert browser.evaluate("document.activeElement.id") == "field-last_name"  # the first on the page

    browser.fill("#field-last_name", "Mehiläinen")
    browser.fill("#emails-0-address", "maija@example.fi")
    browser.fill("#phones-0-number", "040 123 4567")
    browser.fill("#field-website", "https://yhdistys.fi")
    browser.fill("#addresses-0-postal_code", "00100")
    browser.click("#save-contact")
    browser.wait_for_url("**/contacts/*-*")
    assert browser.text("#contact-name") == "Mehiläinen"
