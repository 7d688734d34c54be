"""Q1, Q2 in the web UI (issue 16): an admin links a LimeSurvey survey (the project's emulator) to a group on
/surveys with a mapping, pushes the members, sends the invitations, brings the survey in step after a
member answered, accepts the proposed change; LimeSurvey going down is said on the survey's page."""

import pytest

from tests.conftest import ADMIN_PASSWORD, limesurvey_emulator, start_system

pytestmark = pytest.mark.browser
SID = 727272


@pytest.fixture
def limesurvey_settings():
    server, settings = limesurvey_emulator(SID, "Kevätkysely", attributes=2)
    yield server, settings
    server.shutdown()


@pytest.fixture
def limesurvey(limesurvey_settings):
    return limesurvey_settings[0]


@pytest.fixture
def system(run_services, config, clean_databases, limesurvey_settings):
    """The running system (the browser fixture's), with the surveys service pointed at the emulator."""
    return start_system(run_services, config, clean_databases, extra_config=limesurvey_settings[1])


def test_q1_q2_link_push_invite_sync_and_accept_in_the_browser(system, browser, limesurvey):
    system.create_user("admin", ADMIN_PASSWORD, role="admin")
    api = system.api(system.token("admin", ADMIN_PASSWORD))
    aino = api.post(
        "/api/v1/contacts",
        json={"first_name": "Aino", "last_name": "Aalto", "email": "aino@example.fi", "city": "Oulu"},
    ).json()["id"]
    bert = api.post(
        "/api/v1/contacts", json={"first_name": "Bert", "last_name": "Berg", "email": "bert@example.fi"}
    )
    group = api.post("/api/v1/groups", json={"name": "Kevään kyselyryhmä"}).json()["id"]
    api.post(f"/api/v1/groups/{group}/members", json={"contact_ids": [aino, bert.json()["id"]]})

    browser.open("/login?next=/surveys")
    browser.fill("#username", "admin")
    browser.fill("#password", ADMIN_PASSWORD)
    browser.click("#login-submit")
    browser.wait_for_url("**/surveys")
    assert "Kevätkysely" in browser.text("#link-sid")
    browser.select_option("#link-selection-kind", "group")
    browser.select_option("#link-group", group)
    browser.fill("#link-mapping", "kaupunki = city")
    browser.click("#link-submit")
    browser.wait_for_url("**/surveys/*")
    assert browser.text("#survey-mapping") == "kaupunki → Paikkakunta"  # the field by its name

    browser.click("#action-push")
    browser.wait_for_selector("#survey-result:has-text('Lisättiin 2 osallistujaa')")
    browser.click("#action-invite")
    browser.wait_for_selector("#survey-result:has-text('Lähetettiin 2')")
    assert browser.count("#survey-participants tbody tr") == 2

    token = next(
        row["token"]
        for row in limesurvey.installation.surveys[SID].tokens.values()
        if row["firstname"] == "Aino"
    )
    limesurvey.installation.submit_response(SID, {"kaupunki": "Kuopio"}, token=token)
    browser.click("#action-sync")
    browser.wait_for_selector("#survey-proposals")
    assert "Oulu → Kuopio" in browser.text("#survey-proposals")
    browser.click("#survey-proposals button[value=accept]")
    browser.wait_for_selector("#survey-proposals", state="detached")
    assert api.get(f"/api/v1/contacts/{aino}").json()["city"] == "Kuopio"

    limesurvey.shutdown()
    browser.click("#action-invite")
    browser.wait_for_selector("#survey-error:has-text('LimeSurvey ei vastaa')")
