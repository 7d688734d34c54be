"""Access control in the web UI (C6, S1): an admin creates a user and a user group limited to one contact
group; that user logs in and cannot find, count or open a contact outside the group (issue 4)."""

import pytest

from tests.conftest import ADMIN_PASSWORD

pytestmark = pytest.mark.browser
PASSWORD = "Kallion-kesä-2026-toimisto"


def log_in(browser, username, password, next_path="/contacts"):
    browser.open(f"/login?next={next_path}")
    browser.fill("#username", username)
    browser.fill("#password", password)
    browser.click("#login-submit")
    browser.wait_for_url(f"**{next_path}")


def test_c6_user_in_a_scoped_user_group_cannot_find_a_contact_outside_it(system, browser):
    system.create_user("admin", ADMIN_PASSWORD, role="admin")
    api = system.api(system.token("admin", ADMIN_PASSWORD))
    helsinki = api.post("/api/v1/groups", json={"name": "Helsingin jäsenet"}).json()
    api.post("/api/v1/groups", json={"name": "Turun jäsenet"})
    inka = api.post("/api/v1/contacts", json={"first_name": "Inka", "last_name": "Rajattu"}).json()["id"]
    outi = api.post("/api/v1/contacts", json={"first_name": "Outi", "last_name": "Rajattu"}).json()["id"]
    assert api.post(f"/api/v1/groups/{helsinki['id']}/members", json={"contact_ids": [inka]}).ok

    # The admin creates the user on Ylläpito > Käyttäjät (a bad password first: refused, nothing made).
    log_in(browser, "admin", ADMIN_PASSWORD, "/admin/users")
    assert browser.text("#menu-admin") == "Ylläpito"  # the menu; its first link: Käyttäjät
    browser.fill("#new-username", "hanna")
    browser.fill("#new-display-name", "Hanna Helsinki")
    browser.fill("#new-password", "lyhyt")
    assert browser.input_value("#new-role") == "read_only"  # S1: least privilege by default
    browser.select_option("#new-role", "staff")
    browser.click("#create-user")
    assert "Salasana" in browser.text("#form-errors")
    assert browser.count("#user-hanna") == 0
    browser.fill("#new-password", PASSWORD)
    browser.click("#create-user")
    browser.wait_for_url("**/admin/users/*")
    assert "Näkee kaikki yhteystiedot" in browser.text("#user-scope")

    # ... and a user group limited to Helsingin jäsenet, with hanna as its member.
    browser.click("#admin-nav-user-groups")
    browser.wait_for_url("**/admin/user-groups")
    browser.fill("#ug-name", "Helsingin toimisto")
    browser.check("#member-hanna")
    browser.check(f"#scope-{helsinki['id']}")
    browser.click("#create-user-group")
    browser.wait_for_url("**/admin/user-groups")
    row = browser.text("#user-group-table")
    assert "Helsingin toimisto" in row and "hanna" in row and "Helsingin jäsenet" in row
    browser.click("#admin-nav-users")
    browser.click("#user-hanna a")
    assert "Helsingin jäsenet" in browser.text("#user-scope")
    browser.nav("#logout")
    browser.wait_for_url("**/login")

    # Hanna finds Inka but not Outi: not in the list, not in the count, not by her address.
    log_in(browser, "hanna", PASSWORD)
    assert browser.count("#nav-admin") == 0
    browser.fill("#q", "rajattu")
    browser.click("#search-submit")
    browser.wait_for_url("**/contacts?q=rajattu*")
    table = browser.text("#contact-table")
    assert "Inka Rajattu" in table and "Outi" not in table
    browser.open(f"/contacts/{outi}")  # exactly as for an id that does not exist
    assert browser.text(".error-code") == "404" and "Outi" not in browser.text("body")
    browser.open(f"/contacts/{inka}")
    assert browser.text("#contact-name") == "Inka Rajattu"
    browser.open("/admin/users")  # staff may not manage users
    assert browser.text(".error-code") == "403" and browser.count("#user-table") == 0


def test_c6_admin_manages_roles_and_api_tokens_in_the_web_ui(system, browser):
    system.create_user("admin", ADMIN_PASSWORD, role="admin")
    log_in(browser, "admin", ADMIN_PASSWORD, "/admin/roles")

    # A role of one's own: a bad code is refused, a good one is listed with its permissions.
    browser.fill("#role-code", "Väärä")
    browser.fill("#role-label-fi", "Jäsenrekisteri")
    browser.fill("#role-label-en", "Member registry")
    browser.check("#perm-contacts-view")
    browser.click("#create-role")
    assert "Tunniste" in browser.text("#form-errors") and browser.count("#role-registry") == 0
    browser.fill("#role-code", "registry")
    browser.click("#create-role")
    browser.wait_for_url("**/admin/roles")
    assert "Yhteystietojen katselu" in browser.text("#role-registry")
    browser.click("#role-registry a")
    browser.check("#perm-contacts-edit")
    browser.click("#save-role")
    browser.wait_for_url("**/admin/roles")
    assert "Yhteystietojen muokkaus" in browser.text("#role-registry")
    browser.click("#role-registry a")
    browser.click("#delete-role")
    browser.wait_for_url("**/admin/roles")
    assert browser.count("#role-registry") == 0
    browser.open("/admin/roles/admin")  # a built-in role: permissions fixed, no delete
    assert browser.count("#delete-role") == 0 and browser.count("#role-builtin") == 1

    # An API token: the secret is shown once; it works until revoked.
    browser.open("/admin/api-tokens")
    browser.fill("#token-name", "Verkkosivut")
    browser.check("#perm-contacts-view")
    browser.click("#create-token")
    secret = browser.text("#token-secret")
    assert secret.startswith("piiri_")
    token_api = system.api(secret)
    assert token_api.get("/api/v1/contacts").status_code == 200
    browser.open("/admin/api-tokens")
    assert browser.count("#token-secret") == 0 and secret not in browser.text("body")
    assert "Voimassa" in browser.text("#token-table")
    browser.click("#token-table button")
    browser.wait_for_url("**/admin/api-tokens")
    assert "Peruttu" in browser.text("#token-table")
    assert token_api.get("/api/v1/contacts").status_code == 401
