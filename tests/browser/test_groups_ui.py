"""Groups in the web UI (C7): create a group and a subgroup, add a person to the subgroup with the contact
list's checkbox bulk action, and find them among the parent group's members and on their contact page."""

import pytest

from tests.conftest import ADMIN_PASSWORD

pytestmark = pytest.mark.browser


def test_c7_bulk_add_from_the_contact_list_shows_in_parent_group_and_contact_page(system, browser):
    system.create_user("admin", ADMIN_PASSWORD, role="admin")
    api = system.api(system.token("admin", ADMIN_PASSWORD))
    anna = api.post("/api/v1/contacts", json={"first_name": "Anna", "last_name": "Ryhmäläinen"}).json()["id"]
    api.post("/api/v1/contacts", json={"first_name": "Bertta", "last_name": "Muu"})

    browser.open("/login?next=/groups")
    browser.fill("#username", "admin")
    browser.fill("#password", ADMIN_PASSWORD)
    browser.click("#login-submit")
    browser.wait_for_url("**/groups")
    assert browser.text("#no-groups") == "Ryhmiä ei ole vielä."

    # A group, then a subgroup from the group's page.
    browser.fill("#new-group-name", "Hallitus")
    browser.click("#new-group-submit")
    browser.wait_for_url("**/groups/*?done=created")
    assert browser.text("#group-name") == "Hallitus"
    parent_path = browser.path.split("?")[0]
    browser.fill("#new-subgroup-name", "Työryhmä")
    browser.click("#new-subgroup-submit")
    browser.wait_for_url("**/groups/*?done=created")
    assert browser.text("#group-name") == "Työryhmä"
    assert "Hallitus" in browser.text(".breadcrumb")
    browser.open("/groups")
    assert browser.count("#group-tree .group-depth-1") == 1
    assert browser.text("#group-tree .group-depth-1") == "Työryhmä"

    # The contact list: tick Anna, "Lisää ryhmään…", choose the subgroup, confirm.
    browser.open("/contacts")
    browser.check(f"input.select-contact[value='{anna}']")
    browser.click("#bulk-add-to-group")
    browser.wait_for_url("**/groups/bulk?**")
    assert browser.text("#bulk-count") == "Valittuja henkilöitä: 1."
    browser.select_option("#bulk-group", label="Hallitus / Työryhmä")
    browser.fill("#bulk-role", "sihteeri")
    browser.click("#bulk-confirm")
    browser.wait_for_url("**/contacts")  # back to the list, which says what was done (issue 13 item 4)
    assert browser.text("#flash") == "Ryhmään lisättiin 1 henkilöä, 0 oli jo jäseniä. Avaa ryhmä"
    browser.click("#flash-group")
    browser.wait_for_url("**/groups/*")
    assert browser.text("#group-name") == "Työryhmä"

    # The parent group's members include the subgroup's; direct members only does not.
    browser.open(parent_path)
    assert "Anna Ryhmäläinen" in browser.text("#member-table")
    assert "alaryhmän kautta" in browser.text("#member-table")
    assert "Bertta" not in browser.text("#group-members")
    browser.click("#direct-only")
    browser.wait_for_url("**?all=0")
    assert browser.text("#no-members") == "Ei jäseniä."

    # The contact page's "Ryhmät" section shows the membership with its full path and role.
    browser.open(f"/contacts/{anna}")
    section = browser.text("#contact-groups")
    assert "Ryhmät" in section and "Hallitus / Työryhmä" in section and "sihteeri" in section
    assert "voimassa" in section
