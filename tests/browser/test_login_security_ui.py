"""S1 in headless Chromium: turn on two-factor login from "Oma tili" with the QR page's key, log out and
log in with password + code; a locked account is told until when; a forced password change."""

import time

import pyotp
import pytest
import requests

pytestmark = pytest.mark.browser

PASSWORD = "kuusi kuusta kuusessa"
NEW_PASSWORD = "seitsemän siistiä siiliä"


def submit_login(browser, username, password):
    browser.fill("#username", username)
    browser.fill("#password", password)
    browser.click("#login-submit")


def fresh_code(secret, last):
    """A code different from ``last`` (a used code is refused): the next step's if they match."""
    code = pyotp.TOTP(secret).now()
    return code if code != last else pyotp.TOTP(secret).at(time.time() + 30)


def test_s1_enable_totp_then_log_in_with_password_and_code(system, browser):
    system.create_user("maija", PASSWORD, role="staff")
    browser.open("/login")
    submit_login(browser, "maija", PASSWORD)
    browser.wait_for_url("**/dashboard")  # the landing page (issue 13 item 2)

    browser.nav("#nav-account")  # the account menu (#current-user) holds it
    browser.wait_for_url("**/account")
    assert browser.text("h1") == "Oma tili"
    assert browser.get_attribute("#totp-state", "data-enabled") == "false"
    browser.click("#totp-enable-link")
    browser.wait_for_url("**/account/totp")
    # The QR code is an inline SVG image that the CSP allows, and it really is drawn.
    assert browser.get_attribute("#totp-qr", "src").startswith("data:image/svg+xml")
    assert browser.eval_on_selector("#totp-qr", "img => img.complete && img.naturalWidth > 0")
    secret = browser.text("#totp-secret").strip()
    used = pyotp.TOTP(secret).now()
    browser.fill("#totp-code", used)
    browser.click("#totp-confirm")
    browser.wait_for_url("**/account?done=totp_enabled")
    assert browser.text("#account-done") == "Kaksivaiheinen kirjautuminen on käytössä."
    assert browser.get_attribute("#totp-state", "data-enabled") == "true"

    browser.nav("#logout")
    browser.wait_for_url("**/login")
    submit_login(browser, "maija", PASSWORD)
    browser.wait_for_url("**/login/totp")
    assert browser.text("h1") == "Kaksivaiheinen kirjautuminen"
    browser.open("/contacts")  # the password alone reaches nothing
    assert browser.path.startswith("/login")
    browser.open("/login/totp")
    browser.fill("#totp-code", "000000")
    browser.click("#totp-submit")
    # Issue 12 item 7f: a wrong code ends the login with the answer a wrong password gets there.
    assert browser.text("#login-error") == "Väärä salasana tai koodi. Kirjaudu uudelleen."
    submit_login(browser, "maija", PASSWORD)
    browser.wait_for_url("**/login/totp")
    browser.fill("#totp-code", fresh_code(secret, used))
    browser.click("#totp-submit")
    browser.wait_for_url("**/dashboard")  # the landing page (issue 13 item 2)
    assert browser.text("#current-user") == "maija"


def test_s1_a_locked_account_sees_until_when_in_its_language(system, browser):
    system.create_user("maija", PASSWORD, role="staff")
    browser.open("/lang/en?next=/login")
    for _ in range(4):
        submit_login(browser, "maija", "wrong password")
        assert browser.text("#login-error") == "Wrong username or password."
    submit_login(browser, "maija", "wrong password")
    message = browser.text("#login-error")
    assert message.startswith("The account is locked after too many failed logins until ")
    assert "ask an administrator to unlock it" in message
    submit_login(browser, "maija", PASSWORD)  # the right password changes nothing while locked
    assert browser.text("#login-error") == message
    assert "piiri_session" not in browser.cookies()


def test_s1_after_an_admin_reset_the_user_must_choose_a_new_password(system, browser):
    system.create_user("admin", PASSWORD, role="admin")
    system.create_user("maija", PASSWORD, role="staff")
    admin = system.api(system.token("admin", PASSWORD))
    maija_id = next(
        user["id"] for user in admin.get("/api/v1/users").json()["items"] if user["username"] == "maija"
    )
    temporary = admin.post(f"/api/v1/users/{maija_id}:reset-password").json()["temporary_password"]

    browser.open("/login")
    submit_login(browser, "maija", temporary)
    browser.wait_for_url("**/account/password")
    assert "väliaikaisen salasanan" in browser.text("#must-change")
    browser.open("/contacts")
    assert browser.path == "/account/password"
    browser.fill("#current-password", temporary)
    browser.fill("#new-password", "lyhyt")
    browser.fill("#new-password-again", "lyhyt")
    browser.click("#password-submit")
    assert browser.text("#error-new_password") == "Salasanassa on oltava vähintään 12 merkkiä."
    browser.fill("#current-password", temporary)
    browser.fill("#new-password", NEW_PASSWORD)
    browser.fill("#new-password-again", NEW_PASSWORD)
    browser.click("#password-submit")
    browser.wait_for_url("**/account?done=password_changed")
    browser.open("/contacts")
    assert browser.path == "/contacts"


def test_s1_an_admin_unlocks_and_resets_from_the_user_page(system, browser):
    system.create_user("admin", PASSWORD, role="admin")
    system.create_user("maija", PASSWORD, role="staff")
    admin = system.api(system.token("admin", PASSWORD))
    maija_id = next(
        user["id"] for user in admin.get("/api/v1/users").json()["items"] if user["username"] == "maija"
    )
    for _ in range(5):
        requests.post(f"{system.base_url}/api/v1/auth/token", json={"username": "maija", "password": "wrong"})

    browser.open("/login")
    submit_login(browser, "admin", PASSWORD)
    browser.wait_for_url("**/dashboard")  # the landing page (issue 13 item 2)
    browser.open(f"/admin/users/{maija_id}")
    assert browser.text("#user-locked").startswith("Lukittu ")
    browser.click("#user-unlock")
    browser.wait_for_url(f"**/admin/users/{maija_id}")
    assert browser.count("#user-not-locked") == 1
    assert system.token("maija", PASSWORD)

    browser.click("#user-reset-password")
    browser.wait_for_url(f"**/admin/users/{maija_id}/reset-password")
    temporary = browser.text("#temporary-password").strip()
    assert len(temporary) == 16
    browser.click("#temporary-back")
    browser.wait_for_url(f"**/admin/users/{maija_id}")
    assert browser.count("#user-must-change") == 1
    refused = requests.post(
        f"{system.base_url}/api/v1/auth/token", json={"username": "maija", "password": temporary}
    )
    assert refused.status_code == 403 and refused.json()["error"] == "password_change_required"
