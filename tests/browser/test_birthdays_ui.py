"""Round birthdays in the web UI (C13): an admin sets the round ages and the horizon; a person turning 60
within the horizon is on the dashboard with the right date and age, one outside the horizon is not."""

from datetime import timedelta

import pytest

from piiri.clock import today
from services.contacts.birthdays.rules import birthday_in
from tests.conftest import ADMIN_PASSWORD

pytestmark = pytest.mark.browser


def born_turning(age, in_days):
    day = today() + timedelta(days=in_days)
    return birthday_in(day, day.year - age).isoformat()


def test_c13_admin_sets_ages_and_horizon_and_the_dashboard_shows_who_turns_60(system, browser):
    system.create_user("admin", ADMIN_PASSWORD, role="admin")
    api = system.api(system.token("admin", ADMIN_PASSWORD))
    inside = api.post(
        "/api/v1/contacts",
        json={"first_name": "Sisko", "last_name": "Sisällä", "birth_date": born_turning(60, 12)},
    ).json()["id"]
    api.post(
        "/api/v1/contacts",
        json={"first_name": "Ulla", "last_name": "Ulkona", "birth_date": born_turning(60, 25)},
    )

    browser.open("/login?next=/settings/birthdays")
    browser.fill("#username", "admin")
    browser.fill("#password", ADMIN_PASSWORD)
    browser.click("#login-submit")
    browser.wait_for_url("**/settings/birthdays")

    # A bad list of ages is named beside its field and nothing is saved.
    browser.fill("#round-ages", "50, 60, 60")
    browser.fill("#horizon-days", "20")
    browser.click("#birthday-settings-save")
    assert "useammin kuin kerran: 60" in browser.text("#error-round_ages")

    browser.fill("#round-ages", "60, 70")
    browser.fill("#horizon-days", "20")
    browser.check("#important-everyone")
    browser.click("#birthday-settings-save")
    browser.wait_for_url("**/settings/birthdays?saved=1")
    assert browser.text("#birthday-settings-saved") == "Asetukset tallennettiin."

    # The landing page: / leads to the dashboard.
    browser.open("/")
    browser.wait_for_url("**/dashboard")
    birthday = today() + timedelta(days=12)
    item = browser.text(f"#birthday-{inside}")
    assert "Sisko Sisällä" in item
    assert f"Täyttää 60 v. {birthday.day}.{birthday.month}." in item
    assert "Ulla" not in browser.text("#upcoming-birthdays")
    assert browser.count("#birthday-list li") == 1

    # The name leads to the contact.
    browser.click(f"#birthday-{inside} a")
    browser.wait_for_url(f"**/contacts/{inside}")


def test_issue13_the_important_group_is_chosen_with_the_shared_group_picker(system, browser):
    """Issue 13 items 4 and 6: the birthday settings choose a group with the shared searchable picker:
    groups by their path ("Hallitus / Työryhmä"), archived ones left out; typing filters them, Down goes to
    the list and the keyboard chooses; the choice is saved and shown again."""
    system.create_user("admin", ADMIN_PASSWORD, role="admin")
    api = system.api(system.token("admin", ADMIN_PASSWORD))
    board = api.post("/api/v1/groups", json={"name": "Hallitus"}).json()
    team = api.post("/api/v1/groups", json={"name": "Työryhmä", "parent_id": board["id"]}).json()
    old = api.post("/api/v1/groups", json={"name": "Vanha kerho"}).json()
    api.patch(f"/api/v1/groups/{old['id']}", json={"archived": True})

    browser.open("/login?next=/settings/birthdays")
    browser.fill("#username", "admin")
    browser.fill("#password", ADMIN_PASSWORD)
    browser.click("#login-submit")
    browser.wait_for_url("**/settings/birthdays")
    options = browser.eval_on_selector_all("#important-group-id option", "els => els.map(e => e.textContent)")
    assert "Hallitus / Työryhmä" in options and "Vanha kerho" not in options
    browser.fill("#important-group-id-filter", "työ")
    assert browser.is_checked("#important-group")  # using the picker chooses "members of a group"
    assert browser.text("#important-group-id-found") == "Löytyi 1"
    browser.press("#important-group-id-filter", "ArrowDown")
    assert browser.evaluate("document.activeElement.id") == "important-group-id"
    assert browser.input_value("#important-group-id") == team["id"]
    browser.click("#birthday-settings-save")
    browser.wait_for_url("**/settings/birthdays?saved=1")
    assert browser.input_value("#important-group-id") == team["id"]
