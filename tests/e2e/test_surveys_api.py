"""Q1, Q2 (issue 16) through the gateway: link a LimeSurvey survey (the project's emulator) to a group over
the API, push its members, invite, remind, see each participant's state, take a response in as a proposed
change and accept it; the survey page in the web UI; LimeSurvey down or a survey deleted there answered
with the error code (API) and in the user's words (web page), the rest of Piiri unaffected."""

import re

import pytest
import requests

from tests.conftest import ADMIN_PASSWORD, limesurvey_emulator, start_system

SID = 313131


@pytest.fixture
def limesurvey_settings():
    server, settings = limesurvey_emulator(SID, "Syyskysely", attributes=2)
    yield server, settings
    server.shutdown()


@pytest.fixture
def limesurvey(limesurvey_settings):
    return limesurvey_settings[0]


@pytest.fixture
def surveys_system(run_services, config, clean_databases, limesurvey_settings):
    system = start_system(run_services, config, clean_databases, extra_config=limesurvey_settings[1])
    system.create_user("admin", ADMIN_PASSWORD, role="admin")
    return system


def web_session(system):
    web = requests.Session()
    form = web.get(system.base_url + "/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    web.post(
        system.base_url + "/login", data={"username": "admin", "password": ADMIN_PASSWORD, "csrf_token": csrf}
    )
    page = web.get(system.base_url + "/surveys")
    return web, re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_q1_q2_a_survey_end_to_end_through_the_api_and_the_survey_page(surveys_system, limesurvey):
    api = surveys_system.api(surveys_system.token("admin", ADMIN_PASSWORD))
    people = [
        {"first_name": "Kaisa", "last_name": "Kyselä", "email": "kaisa@example.fi", "city": "Lahti"},
        {"first_name": "Olli", "last_name": "Osallinen", "email": "olli@example.fi"},
    ]
    ids = [api.post("/api/v1/contacts", json=person).json()["id"] for person in people]
    group = api.post("/api/v1/groups", json={"name": "Syyskysely"}).json()["id"]
    assert api.post(f"/api/v1/groups/{group}/members", json={"contact_ids": ids}).status_code in (200, 201)

    remote = api.get("/api/v1/surveys/remote").json()["items"]
    assert [(item["sid"], item["linked"]) for item in remote] == [(SID, False)]
    link = api.post(
        "/api/v1/surveys",
        json={"sid": SID, "selection": {"kind": "group", "id": group}, "mapping": {"kaupunki": "city"}},
    )
    assert link.status_code == 201, link.text
    link_id = link.json()["id"]
    assert api.post("/api/v1/surveys", json={"sid": SID}).json()["code"] == "surveys.already_linked"
    bad = api.post("/api/v1/surveys", json={"sid": 1, "mapping": {"q": "password"}})
    assert bad.status_code == 422 and bad.json()["details"]["mapping"] == {
        "q": ["surveys.field_not_mappable"]
    }

    assert api.post(f"/api/v1/surveys/{link_id}:push").json()["added"] == 2
    assert api.post(f"/api/v1/surveys/{link_id}:invite").json() == {"sent": 2, "left": 0}
    assert api.post(f"/api/v1/surveys/{link_id}:remind", json={"max_reminders": 1}).json()["sent"] == 2
    kaisa = next(
        row for row in limesurvey.installation.surveys[SID].tokens.values() if row["firstname"] == "Kaisa"
    )
    limesurvey.installation.submit_response(SID, {"kaupunki": "Lappeenranta"}, token=kaisa["token"])
    synced = api.post(f"/api/v1/surveys/{link_id}:sync")
    assert synced.json()["responses"] == {"proposed": 1}, synced.text

    participants = api.get(f"/api/v1/surveys/{link_id}/participants").json()["items"]
    states = {
        row["email"]: (bool(row["invited_at"]), row["reminder_count"], bool(row["completed_at"]))
        for row in participants
    }
    assert states == {"kaisa@example.fi": (True, 1, True), "olli@example.fi": (True, 1, False)}

    web, csrf = web_session(surveys_system)
    page = web.get(f"{surveys_system.base_url}/surveys/{link_id}")
    assert page.status_code == 200 and "Syyskysely" in page.text and "Lappeenranta" in page.text
    shown = re.sub(r"<[^>]+>", " ", page.text.split("<body", 1)[1])
    assert "Paikkakunta:" in shown and "city:" not in shown  # the proposal names the field, not its code
    assert not re.findall(r"\b\d{4}-\d{2}-\d{2}\b", shown)  # invitation and answer times as Finns write them
    listed = re.sub(r"<[^>]+>", " ", web.get(f"{surveys_system.base_url}/surveys").text.split("<body", 1)[1])
    assert "Syyskysely" in listed and not re.findall(r"\b\d{4}-\d{2}-\d{2}", listed)
    [proposal] = api.get("/api/v1/survey-proposals", params={"survey_id": link_id}).json()["items"]
    decided = web.post(
        f"{surveys_system.base_url}/surveys/proposals/{proposal['id']}",
        data={"csrf_token": csrf, "decision": "accept"},
        allow_redirects=False,
    )
    assert decided.status_code == 303
    assert api.get(f"/api/v1/contacts/{ids[0]}").json()["city"] == "Lappeenranta"
    again = api.post(f"/api/v1/survey-proposals/{proposal['id']}:reject")
    assert again.status_code == 409 and again.json()["code"] == "surveys.proposal_decided"


def test_q1_limesurvey_down_or_a_deleted_survey_is_said_on_the_page_and_in_the_api(
    surveys_system, limesurvey
):
    api = surveys_system.api(surveys_system.token("admin", ADMIN_PASSWORD))
    group = api.post("/api/v1/groups", json={"name": "Kysely"}).json()["id"]
    link_id = api.post(
        "/api/v1/surveys", json={"sid": SID, "selection": {"kind": "group", "id": group}}
    ).json()["id"]
    limesurvey.installation.delete_survey(SID)
    gone = api.post(f"/api/v1/surveys/{link_id}:sync")
    assert gone.status_code == 404 and gone.json()["code"] == "surveys.remote_survey_missing"
    assert gone.json()["message"] == "LimeSurvey has no such survey (it may have been deleted)."
    web, csrf = web_session(surveys_system)
    page = web.post(
        f"{surveys_system.base_url}/surveys/{link_id}/action", data={"csrf_token": csrf, "action": "invite"}
    )
    assert page.status_code == 404 and "Kyselyä ei ole LimeSurveyssa" in page.text  # on the survey's page
    assert 'id="survey-actions"' in page.text
    limesurvey.shutdown()
    down = api.get("/api/v1/surveys/remote")
    assert down.status_code == 503 and down.json()["code"] == "surveys.limesurvey_unreachable"
    listing = web.get(f"{surveys_system.base_url}/surveys")
    assert listing.status_code == 200 and "LimeSurvey ei vastaa" in listing.text  # the rest of the page works
    assert api.get("/api/v1/surveys").json()["items"][0]["sync_error"] == "surveys.remote_survey_missing"
