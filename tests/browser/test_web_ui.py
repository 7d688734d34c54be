"""The web UI in headless Chromium: log in, search, open, edit with a field error, audit trail,
language switch, log out (requirement C1), and create + delete with confirmation as an admin."""

import time

import pytest

pytestmark = pytest.mark.browser

PASSWORD = "kuusi kuusta kuusessa"
EINO = {
    "first_name": "Eino",
    "last_name": "Äijälä",
    "email": "eino@example.fi",
    "phone": "040 123 4567",
    "postal_code": "90100",
    "city": "Oulu",
}
ROWS_JS = "rows => rows.map(row => Array.from(row.cells).map(cell => cell.innerText.trim()))"


def log_in(browser, username, password):
    browser.fill("#username", username)
    browser.fill("#password", password)
    browser.click("#login-submit")
    browser.wait_for_url("**/{contacts,dashboard}*")  # the asked page, or the dashboard (issue 13 item 2)


def trail_rows(browser):
    """The audit trail on the page as [when, who, what] rows."""
    if not browser.count("#audit-table"):
        return []
    return browser.eval_on_selector_all("#audit-table tbody tr", ROWS_JS)


def wait_for_trail(browser, wanted, seconds=8):
    """Reload the contact page until every (who, what) pair in ``wanted`` is in its audit trail."""
    deadline = time.monotonic() + seconds
    while True:
        rows = trail_rows(browser)
        present = {(who, what) for _, who, what in rows}
        if set(wanted) <= present or time.monotonic() > deadline:
            return rows
        time.sleep(0.3)
        browser.reload()


def test_staff_finds_edits_and_sees_who_handled_a_contact(system, browser):
    system.create_user("maija", PASSWORD, role="staff")
    api = system.api(system.token("maija", PASSWORD))
    created = api.post("/api/v1/contacts", json=EINO)
    assert created.status_code == 201, created.text
    contact_id = created.json()["id"]

    # Not logged in: the contact list sends us to the (Finnish) login page.
    browser.open("/contacts")
    assert browser.path == "/login?next=%2Fcontacts"
    assert browser.get_attribute("html", "lang") == "fi"
    assert browser.text("h1") == "Kirjaudu sisään"
    browser.fill("#username", "maija")
    browser.fill("#password", "väärä salasana")
    browser.click("#login-submit")
    assert browser.text("#login-error") == "Väärä käyttäjätunnus tai salasana."
    log_in(browser, "maija", PASSWORD)
    assert browser.path == "/contacts"
    session = browser.cookies()["piiri_session"]
    assert session["httpOnly"] and session["sameSite"] == "Lax"
    assert browser.text("#current-user") == "maija"

    # Accent- and case-insensitive search.
    browser.fill("#q", "aijala")
    browser.click("#search-submit")
    browser.wait_for_url("**/contacts?q=aijala*")  # features' filter controls may follow q
    assert "Eino Äijälä" in browser.text("#contact-table")
    browser.click("a.contact-link:has-text('Äijälä')")
    browser.wait_for_url(f"**/contacts/{contact_id}")
    assert browser.text("#contact-name") == "Eino Äijälä"
    assert browser.text("#contact-phones a") == "+358 40 1234567"  # C2: the phones list
    # Issue 13 item 5: the summary reaches him with one tap; empty fields stay out of the way.
    assert browser.get_attribute("#summary-phone", "href") == "tel:+358401234567"
    assert " ".join(browser.text("#summary-phone").split()) == "Soita +358 40 1234567"
    assert browser.count("#detail-middle_name") == 0 and "tyhjää kenttää" in browser.text(
        "#empty-fields-note"
    )
    assert browser.count("#edit-contact") == 1
    assert browser.count("#delete-contact") == 0  # staff lacks contacts.delete

    # Edit: an invalid e-mail is shown beside its row (C2 lists), with the typed values kept; then fix it.
    browser.click("#edit-contact")
    browser.wait_for_url(f"**/contacts/{contact_id}/edit")
    browser.fill("#emails-0-address", "eino.example.fi")
    browser.click("#save-contact")
    assert (
        browser.text("#error-emails-0-address")
        == "Sähköpostiosoite ei kelpaa: kirjoita muodossa nimi@esimerkki.fi."
    )
    assert browser.get_attribute("#emails-0-address", "aria-invalid") == "true"
    assert browser.input_value("#emails-0-address") == "eino.example.fi"
    assert browser.input_value("#addresses-0-city") == "Oulu"
    assert browser.count(".field-error") == 1
    browser.fill("#emails-0-address", "eino.aijala@example.fi")
    browser.click("#save-contact")
    browser.wait_for_url(f"**/contacts/{contact_id}")
    assert browser.text("#flash") == "Muutokset on tallennettu."
    assert browser.text("#contact-emails a") == "eino.aijala@example.fi"

    # The audit trail names the viewer and the editor (the e-mail and its list changed together).
    edited = ("maija", "muutti (kentät: Sähköposti, Sähköpostit)")
    rows = wait_for_trail(browser, {("maija", "katseli"), edited})
    who_did_what = {(who, what) for _, who, what in rows}
    assert ("maija", "katseli") in who_did_what, rows
    assert edited in who_did_what, rows
    assert all(when for when, _, _ in rows)

    # English labels after switching the language; the page stays the same.
    browser.click("#lang-en")
    browser.wait_for_url(f"**/contacts/{contact_id}")
    assert browser.get_attribute("html", "lang") == "en"
    assert browser.text("#audit-trail h2") == "Access log"
    assert browser.text("#edit-contact") == "Edit"
    assert browser.text("#detail-emails dt").lower() == "e-mail addresses"
    changed = ("maija", "changed (fields: E-mail, E-mail addresses)")
    assert changed in {(who, what) for _, who, what in trail_rows(browser)}

    # Log out: back on the login page, the session is gone.
    browser.nav("#logout")
    browser.wait_for_url("**/login")
    assert browser.text("#flash") == "You have logged out."
    assert "piiri_session" not in browser.cookies()
    browser.open(f"/contacts/{contact_id}")
    assert browser.path.startswith("/login?next=")


def test_admin_creates_and_deletes_a_contact_with_confirmation(system, browser):
    system.create_user("root", PASSWORD, role="admin")
    browser.open("/")
    log_in(browser, "root", PASSWORD)
    assert browser.path == "/dashboard"  # the landing page (issue 13 item 2); the list is a click away
    browser.click("#contacts-total")
    browser.wait_for_url("**/contacts")

    # Create through the form; a bad postal code is reported beside its field first.
    browser.click("#new-contact")
    browser.wait_for_url("**/contacts/new")
    browser.fill("#field-first_name", "Ville")
    browser.fill("#field-last_name", "Virtanen")
    browser.fill("#phones-0-number", "040 111 2233")
    browser.fill("#addresses-0-postal_code", "123")
    browser.fill("#addresses-0-city", "Tampere")
    browser.click("#save-contact")
    assert (
        browser.text("#error-addresses-0-postal_code")
        == "Suomalaisessa postinumerossa on viisi numeroa, esimerkiksi 00100."
    )
    assert browser.input_value("#field-last_name") == "Virtanen"
    browser.fill("#addresses-0-postal_code", "33100")
    browser.click("#save-contact")
    browser.wait_for_selector("#contact-name")
    assert browser.text("#flash") == "Yhteystieto on luotu."
    assert browser.text("#contact-name") == "Ville Virtanen"
    contact_path = browser.path

    # Phone width: the list and the contact page fit without sideways scrolling.
    browser.set_viewport_size({"width": 375, "height": 740})
    for path in ("/contacts", contact_path):
        browser.open(path)
        assert browser.evaluate("document.documentElement.scrollWidth") <= 375, path
    browser.set_viewport_size({"width": 1280, "height": 900})

    # Delete asks first; cancelling keeps the contact.
    browser.click("#delete-contact")
    browser.wait_for_url(f"**{contact_path}/delete")
    assert browser.text("h1") == "Poistetaanko Ville Virtanen?"
    browser.click("#cancel-delete")
    browser.wait_for_url(f"**{contact_path}")
    browser.click("#delete-contact")
    browser.wait_for_url(f"**{contact_path}/delete")
    browser.click("#confirm-delete")
    browser.wait_for_url("**/contacts")
    assert browser.text("#flash") == "Yhteystieto on poistettu."

    browser.fill("#q", "Virtanen")
    browser.click("#search-submit")
    browser.wait_for_url("**/contacts?q=Virtanen*")
    assert browser.count("#no-results") == 1

    # The deleted contact's page is a 404 page, not a stack trace.
    browser.open(contact_path)
    assert "ei löytynyt" in browser.text("#error-page")
