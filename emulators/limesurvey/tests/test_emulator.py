"""Q1: the LimeSurvey RemoteControl 2 emulator answers the real citric client as LimeSurvey does: session
keys, participants with attributes, invitations and reminders, responses exported base64-encoded, and the
status strings of every failure."""

import base64
import json
from datetime import UTC, datetime

import citric
import pytest
import requests
from citric.exceptions import LimeSurveyStatusError, RPCInterfaceNotEnabledError

from emulators.limesurvey.demo import demo_installation
from emulators.limesurvey.server import serve
from emulators.limesurvey.state import Installation

SID = 555111


@pytest.fixture
def emulator():
    installation = Installation(users={"piiri": "secret"})
    installation.add_survey(SID, "Kysely", questions=[("nimi", "Nimi"), ("kunta", "Kunta")], attributes=2)
    server = serve(installation)
    yield server
    server.shutdown()


@pytest.fixture
def client(emulator):
    with citric.Client(emulator.url, "piiri", "secret") as client:
        yield client


def rpc(url, method, *params):
    return requests.post(url, json={"method": method, "params": list(params), "id": 7}, timeout=5).json()


def test_q1_a_session_key_is_needed_and_a_wrong_password_is_refused_with_limesurveys_status(emulator):
    with pytest.raises(LimeSurveyStatusError, match="Invalid user name or password"):
        citric.Client(emulator.url, "piiri", "wrong")
    answer = rpc(emulator.url, "list_surveys", "not-a-key")
    assert answer == {"id": 7, "result": {"status": "Invalid session key"}, "error": None}


def test_q1_an_expired_key_answers_invalid_session_key_and_release_returns_ok(emulator):
    key = rpc(emulator.url, "get_session_key", "piiri", "secret")["result"]
    assert isinstance(key, str) and len(key) == 32
    assert rpc(emulator.url, "list_surveys", key)["result"][0]["sid"] == SID
    emulator.installation.expire_sessions()
    assert rpc(emulator.url, "list_surveys", key)["result"] == {"status": "Invalid session key"}
    assert rpc(emulator.url, "list_participants", key, SID)["result"] == {"status": "Invalid Session Key"}
    assert rpc(emulator.url, "release_session_key", key)["result"] == "OK"


def test_q1_unknown_methods_and_a_disabled_interface(emulator):
    key = rpc(emulator.url, "get_session_key", "piiri", "secret")["result"]
    assert rpc(emulator.url, "no_such_method", key)["error"] == "unknown method or incorrect parameters"
    emulator.app.rpc_enabled = False
    with pytest.raises(RPCInterfaceNotEnabledError):
        citric.Client(emulator.url, "piiri", "secret")


def test_q1_list_surveys_shape(client):
    assert client.list_surveys() == [
        {"sid": SID, "surveyls_title": "Kysely", "startdate": None, "expires": None, "active": "Y"}
    ]


def test_q1_participants_with_attributes_are_added_listed_in_tid_order_and_paged(client):
    added = client.add_participants(
        SID,
        participant_data=[
            {
                "email": "a@example.org",
                "firstname": "A",
                "lastname": "Aa",
                "attribute_1": "m-1",
                "language": "sv",
            },
            {"email": "not an address", "firstname": "B"},
            {"email": "c@example.org", "firstname": "C", "lastname": "Cc", "attribute_1": "m-3"},
        ],
    )
    assert [row.get("tid") for row in added] == [1, None, 2]
    assert added[0]["token"] and added[0]["attribute_1"] == "m-1" and added[0]["sent"] == "N"
    assert "email" in added[1]["errors"]
    listed = client.list_participants(
        SID, limit=1, start=1, attributes=["attribute_1", "language", "completed"]
    )
    assert listed == [
        {
            "tid": 2,
            "token": added[2]["token"],
            "participant_info": {"firstname": "C", "lastname": "Cc", "email": "c@example.org"},
            "attribute_1": "m-3",
            "language": "fi",
            "completed": "N",
        }
    ]
    assert client.list_participants(SID, conditions={"email": "a@example.org"})[0]["tid"] == 1
    with pytest.raises(LimeSurveyStatusError, match="No survey participants found."):
        client.list_participants(SID, start=10)
    props = client.get_participant_properties(SID, {"attribute_1": "m-1"}, ["tid", "language"])
    assert props == {"tid": 1, "language": "sv"}


def test_q1_invitations_then_reminders_mark_participants_and_count_what_is_left(client, emulator):
    client.add_participants(
        SID, participant_data=[{"email": f"p{n}@example.org", "firstname": f"P{n}"} for n in range(3)]
    )
    emulator.installation.max_emails = 2
    assert client.invite_participants(SID) == 1  # "1 left to send"
    assert client.invite_participants(SID) == 0
    with pytest.raises(LimeSurveyStatusError, match="No candidate tokens"):
        client.invite_participants(SID)
    sent = client.list_participants(SID, attributes=["sent", "remindersent", "remindercount"])
    assert all(row["sent"] != "N" for row in sent)
    # LimeSurvey answers a send with {"<tid>": {...}, "status": "N left to send"}: citric raises that
    answer = rpc(emulator.url, "remind_participants", client.session.key, SID, None, None, [1])["result"]
    assert answer["status"] == "2 left to send" and answer["1"]["status"] == "OK"
    assert client.get_participant_properties(SID, 1, ["remindercount"]) == {"remindercount": 1}
    assert [mail.kind for mail in emulator.installation.mails].count("remind") == 1


def test_q1_a_completed_response_marks_the_participant_and_exports_base64_json(client, emulator):
    token = client.add_participants(SID, participant_data=[{"email": "r@example.org", "firstname": "R"}])[0][
        "token"
    ]
    with pytest.raises(LimeSurveyStatusError, match="No Data, could not get max id."):
        client.export_responses(SID, file_format="json")
    first = emulator.installation.submit_response(SID, {"nimi": "Ritva", "kunta": "Oulu"}, token=token)
    second = client.session.add_response(SID, {"nimi": "Kalle", "submitdate": ""})
    raw = client.session.export_responses(SID, "json", None, "all", "code", "short", None, None, None)
    assert json.loads(base64.b64decode(raw))["responses"][0]["token"] == token
    complete = client.export_responses_dict(SID, completion_status="complete")
    assert [r["id"] for r in complete] == [first]
    assert complete[0]["nimi"] == "Ritva" and complete[0]["submitdate"]
    assert [r["id"] for r in client.export_responses_dict(SID, from_response_id=second)] == [second]
    assert client.get_response_ids(SID, token) == [first]
    assert client.list_participants(SID, attributes=["completed"])[0]["completed"] != "N"
    csv_text = client.export_responses(SID, file_format="csv").decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith('"id";"token";"submitdate"')


def test_q1_deleting_participants_and_responses(client, emulator):
    token = client.add_participants(SID, participant_data=[{"email": "d@example.org"}])[0]["token"]
    response_id = emulator.installation.submit_response(SID, {"nimi": "D"}, token=token)
    assert client.delete_participants(SID, [1, 99]) == {"1": "Deleted", "99": "Invalid token ID"}
    assert client.delete_response(SID, response_id) == {str(response_id): "deleted"}
    with pytest.raises(LimeSurveyStatusError, match="No Response found for Token"):
        client.get_response_ids(SID, token)


def test_q1_a_survey_deleted_on_the_limesurvey_side(client, emulator):
    emulator.installation.delete_survey(SID)
    with pytest.raises(LimeSurveyStatusError, match="Error: Invalid survey ID"):
        client.list_participants(SID)
    with pytest.raises(LimeSurveyStatusError, match="No permission"):
        client.export_responses(SID)
    with pytest.raises(LimeSurveyStatusError, match="No surveys found"):
        client.list_surveys()


def test_q1_an_anonymised_survey_exports_no_token_column(emulator):
    installation = demo_installation()
    server = serve(installation)
    try:
        with citric.Client(server.url, "admin", "password") as client:
            rows = client.export_responses_dict(234567)
            assert rows and "token" not in rows[0]
            assert client.get_survey_properties(234567, ["anonymized"]) == {"anonymized": "Y"}
            assert len(client.export_responses_dict(123456)) == 2
    finally:
        server.shutdown()


def test_dates_are_the_installations_local_time_not_the_machines(monkeypatch):
    """LimeSurvey writes submitdate and the participants' dates in its server's time zone: a Finnish
    organisation's installation is in Helsinki, whatever the clock of the machine the emulator runs on
    (a response at 00:10 in Helsinki belongs to that day, not to the day before in UTC)."""
    import time_machine

    from emulators.limesurvey.state import full_stamp, stamp

    monkeypatch.delenv("LIMESURVEY_TIMEZONE", raising=False)
    monkeypatch.delenv("PIIRI_TIMEZONE", raising=False)
    with time_machine.travel(datetime(2026, 12, 7, 22, 10, 5, tzinfo=UTC), tick=False):
        assert full_stamp() == "2026-12-08 00:10:05" and stamp() == "2026-12-08 00:10"
        monkeypatch.setenv("LIMESURVEY_TIMEZONE", "UTC")
        assert full_stamp() == "2026-12-07 22:10:05"
