"""Group automations in the web UI (C8): an admin sets up "joined A -> add to B" after a dry run showing
A's current members, adds a person to A from their contact page, then sees them in B and the run in the
automation's history; the reverse B -> A is refused as a loop with a clear message."""

import eventlet
import pytest

from tests.conftest import ADMIN_PASSWORD

pytestmark = pytest.mark.browser


def test_c8_admin_sets_up_joined_a_add_to_b_and_sees_it_run_and_the_loop_refused(system, browser):
    system.create_user("admin", ADMIN_PASSWORD, role="admin")
    api = system.api(system.token("admin", ADMIN_PASSWORD))
    a = api.post("/api/v1/groups", json={"name": "Alfa"}).json()["id"]
    api.post("/api/v1/groups", json={"name": "Beta"})
    anna = api.post("/api/v1/contacts", json={"first_name": "Anna", "last_name": "Alfalainen"}).json()["id"]
    bertta = api.post("/api/v1/contacts", json={"first_name": "Bertta", "last_name": "Uusi"}).json()["id"]
    api.post(f"/api/v1/groups/{a}/members", json={"contact_ids": [anna]})

    browser.open("/login?next=/automations")
    browser.fill("#username", "admin")
    browser.fill("#password", ADMIN_PASSWORD)
    browser.click("#login-submit")
    browser.wait_for_url("**/automations")
    assert browser.text("#no-automations") == "Automaatioita ei ole vielä."
    browser.click("#new-automation")
    browser.wait_for_url("**/automations/new")

    # Joined Alfa -> add to Beta; "Kokeile" first shows Alfa's current members.
    browser.fill("#automation-name", "Alfasta Betaan")
    browser.select_option("#trigger-type", "member_joined")
    browser.select_option("#trigger-group", label="Alfa")
    browser.select_option("#action-type", "add_to_group")
    browser.select_option("#action-group", label="Beta")
    browser.click("#automation-dry-run")
    browser.wait_for_selector("#dry-run")
    assert browser.text("#dry-run-count") == "Koskisi 1 henkilöä."
    assert "Anna Alfalainen" in browser.text("#dry-run-list")
    browser.click("#automation-save")
    browser.wait_for_url("**/automations/*?done=saved")
    assert browser.text("#automation-title") == "Alfasta Betaan"
    assert browser.text("#no-runs") == "Automaatio ei ole vielä tehnyt mitään."
    automation_path = browser.path.split("?")[0]

    # Bertta joins Alfa from her contact page; the automation adds her to Beta in the background.
    browser.open(f"/contacts/{bertta}")
    browser.click("#add-contact-to-group")
    browser.wait_for_url("**/groups/bulk?**")
    browser.select_option("#bulk-group", label="Alfa")
    browser.click("#bulk-confirm")
    browser.wait_for_load_state()
    section = ""
    for _ in range(50):
        browser.open(f"/contacts/{bertta}")
        section = browser.text("#contact-groups")
        if "Beta" in section:
            break
        eventlet.sleep(0.2)
    assert "Alfa" in section and "Beta" in section

    browser.open(automation_path)
    history = browser.text("#run-table")
    assert "Bertta Uusi" in history and "tehty" in history and "liittyi ryhmään Alfa" in history
    browser.open("/automations")
    assert "Alfasta Betaan" in browser.text("#automation-table")

    # The reverse, Beta -> Alfa, would loop: refused with a clear message, nothing saved.
    browser.open("/automations/new")
    browser.fill("#automation-name", "Betasta Alfaan")
    browser.select_option("#trigger-group", label="Beta")
    browser.select_option("#action-group", label="Alfa")
    browser.click("#automation-save")
    browser.wait_for_selector("#form-errors")
    message = browser.text("#form-errors")
    assert "Automaatio tekisi silmukan" in message
    assert "'Alfasta Betaan'" in message and "'Betasta Alfaan'" in message
    browser.open("/automations")
    assert browser.count("#automation-table tbody tr") == 1


def test_c8_pages_over_http_edit_toggle_named_errors_and_staff_access(system):
    """C8 (no browser): the edit form keeps the definition, a bad form names its fields (422) and saves
    nothing, the list's toggle disables, staff cannot open /automations but can read a history."""
    from tests.browser.test_web_http import PASSWORD, csrf_of, log_in

    system.create_user("root", PASSWORD, role="admin")
    system.create_user("maija", PASSWORD, role="staff")
    api = system.api(system.token("root", PASSWORD))
    a = api.post("/api/v1/groups", json={"name": "Alfa"}).json()["id"]
    automation = api.post(
        "/api/v1/automations",
        json={
            "name": "Tervetuloa",
            "trigger_type": "member_joined",
            "trigger_config": {"group_id": a},
            "action_type": "publish_event",
            "action_config": {"event_type": "welcome_email"},
        },
    ).json()
    base = system.base_url
    admin, _ = log_in(base, "root")
    edit = admin.get(f"{base}/automations/{automation['id']}/edit")
    assert edit.status_code == 200 and 'value="welcome_email"' in edit.text
    bad = admin.post(
        f"{base}/automations/{automation['id']}/edit",
        data={
            "csrf_token": csrf_of(edit.text),
            "name": "",
            "trigger_type": "member_joined",
            "trigger_group_id": "",
            "action_type": "publish_event",
            "event_type": "Bad Name",
        },
    )
    assert bad.status_code == 422
    for field in ("error-name", "error-trigger_group_id", "error-event_type"):
        assert f'id="{field}"' in bad.text, field
    assert "Anna automaatiolle nimi." in bad.text
    listing = admin.get(f"{base}/automations")
    assert "Tervetuloa" in listing.text and "Käytössä" in listing.text
    toggled = admin.post(
        f"{base}/automations/{automation['id']}/toggle",
        data={"csrf_token": csrf_of(listing.text), "enabled": "0"},
        allow_redirects=False,
    )
    assert toggled.status_code == 303
    assert api.get(f"/api/v1/automations/{automation['id']}").json()["enabled"] is False
    assert api.get(f"/api/v1/automations/{automation['id']}").json()["name"] == "Tervetuloa"

    staff, _ = log_in(base, "maija")
    assert staff.get(f"{base}/automations", allow_redirects=False).status_code == 403
    history = staff.get(f"{base}/automations/{automation['id']}")
    assert history.status_code == 200 and "Automaatio ei ole vielä tehnyt mitään." in history.text
