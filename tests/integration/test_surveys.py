"""Q1, Q2 (issue 16): the surveys service on the real broker and databases, talking to the project's
LimeSurvey emulator through the real citric client: link a survey to a group, push its members as
participants with attributes (only those with an e-mail who have not opted out), invite and remind, read
back invited/reminded/completed, take responses in (a known participant's differing answer proposed or
applied, a new person created after duplicate matching and added to a group, an anonymised survey never
linked), and the failures: LimeSurvey unreachable, a wrong password, an expired key, a deleted survey."""

import pytest

from conftest import ALL_PERMISSIONS, make_actor
from emulators.limesurvey.server import serve
from emulators.limesurvey.state import Installation
from piiri.errors import Conflict, NotFound, ServiceUnavailable
from services.audit.service import AuditService
from services.contacts.service import ContactsService
from services.surveys.service import SurveysService
from tests.events import wait_for

SID = 424242
ANON_SID = 515151
ACTOR = make_actor(
    "survey-coordinator",
    permissions=(*ALL_PERMISSIONS, "contacts.export", "contacts.import", "groups.manage", "gdpr.officer"),
)
MAPPING = {
    "kunta": "city",
    "puhelin": "phone",
    "sposti": "email",
    "etu": "first_name",
    "suku": "last_name",
    "synt": "birth_date",
}


@pytest.fixture
def limesurvey():
    installation = Installation(users={"piiri": "secret"})
    installation.add_survey(
        SID,
        "Jäsenkysely",
        questions=[
            ("etu", "Etunimi"),
            ("suku", "Sukunimi"),
            ("sposti", "Sähköposti"),
            ("kunta", "Kunta"),
            ("puhelin", "Puhelin"),
            ("synt", "Syntymäaika"),
        ],
        tokens=False,  # Piiri's first push makes the participants table (activate_tokens)
    )
    installation.add_survey(ANON_SID, "Nimetön", anonymized=True, questions=[("kunta", "Kunta")])
    server = serve(installation)
    yield server
    server.shutdown()


@pytest.fixture
def cluster(run_services, rpc, limesurvey):
    settings = {
        "LIMESURVEY_URL": limesurvey.url,
        "LIMESURVEY_USER": "piiri",
        "LIMESURVEY_PASSWORD": "secret",
        "SURVEY_SYNC_SECONDS": 0,
    }
    run_services(ContactsService, AuditService, SurveysService, extra_config=settings)
    with rpc(ACTOR, timeout=30) as proxy:
        yield proxy


def member_group(cluster):
    group = cluster.contacts.create_group("Kyselyn jäsenet")
    people = [
        {
            "first_name": "Anna",
            "last_name": "Aalto",
            "email": "anna@example.org",
            "city": "Oulu",
            "language": "sv",
        },
        {"first_name": "Bertta", "last_name": "Berg", "email": "bertta@example.org", "city": "Turku"},
        {"first_name": "Ceasar", "last_name": "Cederlund"},  # no e-mail
        {"first_name": "Dora", "last_name": "Dahl", "email": "dora@example.org"},  # opted out below
    ]
    ids = [cluster.contacts.create_contact(person)["id"] for person in people]
    cluster.contacts.add_members(group["id"], ids)
    cluster.contacts.record_consent(
        ids[3], {"purpose": "member_communication", "given": False, "source": "staff"}
    )
    return group, ids


def test_q1_link_push_invite_remind_and_see_each_participants_state(cluster, limesurvey):
    group, ids = member_group(cluster)
    remote = cluster.surveys.list_remote_surveys()["items"]
    assert {item["sid"] for item in remote} == {SID, ANON_SID} and not any(item["linked"] for item in remote)
    link = cluster.surveys.link_survey(
        {"sid": SID, "selection": {"kind": "group", "id": group["id"]}, "mapping": MAPPING}
    )
    assert link["title"] == "Jäsenkysely" and link["anonymized"] is False

    pushed = cluster.surveys.push_participants(link["id"])
    assert pushed == {"added": 2, "already": 0, "skipped": {"no_email": 1, "opted_out": 1}, "refused": []}
    tokens = limesurvey.installation.surveys[SID].tokens
    anna = next(row for row in tokens.values() if row["email"] == "anna@example.org")
    assert anna["attribute_1"] == ids[0] and anna["language"] == "sv" and anna["firstname"] == "Anna"
    assert cluster.surveys.push_participants(link["id"])["already"] == 2  # pushed once only

    assert cluster.surveys.invite_participants(link["id"]) == {"sent": 2, "left": 0}
    assert cluster.surveys.invite_participants(link["id"]) == {"sent": 0, "left": 0}
    assert cluster.surveys.remind_participants(link["id"]) == {"sent": 2, "left": 0}
    limesurvey.installation.submit_response(SID, {"kunta": "Oulu"}, token=anna["token"])
    cluster.surveys.sync_survey(link["id"])

    listed = {row["email"]: row for row in cluster.surveys.list_participants(link["id"])["items"]}
    assert listed["anna@example.org"]["invited_at"] and listed["anna@example.org"]["reminded_at"]
    assert listed["anna@example.org"]["completed_at"] and not listed["bertta@example.org"]["completed_at"]
    assert listed["bertta@example.org"]["reminder_count"] == 1
    counts = cluster.surveys.get_link(link["id"])["counts"]
    assert counts == {"participants": 2, "invited": 2, "reminded": 2, "completed": 1, "responses": 1}


def test_q2_responses_become_proposals_applied_changes_and_new_contacts(cluster, limesurvey):
    group, ids = member_group(cluster)
    newcomers = cluster.contacts.create_group("Kyselystä")
    link = cluster.surveys.link_survey(
        {
            "sid": SID,
            "selection": {"kind": "group", "id": group["id"]},
            "mapping": MAPPING,
            "new_people": "skip",
            "new_people_group_id": newcomers["id"],
        }
    )
    cluster.surveys.push_participants(link["id"])
    tokens = {row["email"]: row["token"] for row in limesurvey.installation.surveys[SID].tokens.values()}
    lsi = limesurvey.installation
    lsi.submit_response(SID, {"kunta": "Helsinki", "puhelin": ""}, token=tokens["anna@example.org"])
    lsi.submit_response(SID, {"kunta": "Turku"}, token=tokens["bertta@example.org"])  # as it is
    lsi.submit_response(SID, {"etu": "Eino", "suku": "Esko", "sposti": "eino@example.org", "kunta": "Vaasa"})
    lsi.submit_response(SID, {"etu": "Dora", "suku": "Dahl", "sposti": "dora@example.org"})  # a duplicate
    lsi.submit_response(SID, {"etu": "Huono", "sposti": "not-an-address"})  # refused, the rest go on
    lsi.submit_response(SID, {"etu": "Päiväys", "suku": "Väärin", "synt": "31.12.1980"})  # not a date
    lsi.submit_response(SID, {"etu": "Kesken"}, complete=False)  # not complete: not taken in

    result = cluster.surveys.sync_survey(link["id"])
    assert result["responses"] == {"proposed": 1, "unchanged": 1, "created": 1, "skipped": 1, "error": 2}
    assert cluster.contacts.get_contact(ids[0])["city"] == "Oulu"  # proposed, not applied
    proposals = cluster.surveys.list_proposals(link["id"])["items"]
    assert [p["changes"] for p in proposals] == [{"city": {"from": "Oulu", "to": "Helsinki"}}]
    decided = cluster.surveys.decide_proposal(proposals[0]["id"], True)
    assert decided["state"] == "accepted" and cluster.contacts.get_contact(ids[0])["city"] == "Helsinki"
    with pytest.raises(Conflict):
        cluster.surveys.decide_proposal(proposals[0]["id"], False)

    rows = {row["response_id"]: row for row in cluster.surveys.list_responses(link["id"])["items"]}
    created = next(row for row in rows.values() if row["outcome"] == "created")
    eino = cluster.contacts.get_contact(created["contact_id"])
    assert (eino["first_name"], eino["city"]) == ("Eino", "Vaasa")
    members = cluster.contacts.members(newcomers["id"])["items"]
    assert [member["id"] for member in members] == [created["contact_id"]]
    errors = [row for row in rows.values() if row["outcome"] == "error"]
    assert [sorted(row["errors"]) for row in errors] == [["email"], ["birth_date"]]
    assert all(row["contact_id"] is None for row in errors)
    assert cluster.surveys.sync_survey(link["id"])["responses"] == {}  # each response taken in once

    cluster.surveys.update_link(link["id"], {"known_mode": "apply"})
    lsi.submit_response(SID, {"kunta": "Kemi"}, token=tokens["bertta@example.org"])
    assert cluster.surveys.sync_survey(link["id"])["responses"] == {"applied": 1}
    assert cluster.contacts.get_contact(ids[1])["city"] == "Kemi"


def test_q2_an_anonymised_surveys_responses_are_never_linked(cluster, limesurvey):
    link = cluster.surveys.link_survey(
        {"sid": ANON_SID, "mapping": {"kunta": "city"}, "new_people": "create"}
    )
    assert link["anonymized"] is True
    limesurvey.installation.submit_response(ANON_SID, {"kunta": "Oulu"})
    assert cluster.surveys.sync_survey(link["id"])["responses"] == {"anonymous": 1}
    [row] = cluster.surveys.list_responses(link["id"])["items"]
    assert row["contact_id"] is None and row["answers"] == {}
    assert cluster.contacts.search_contacts("Oulu")["items"] == []


def test_q1_failures_are_codes_and_an_expired_key_is_renewed(cluster, limesurvey):
    group, _ = member_group(cluster)
    link = cluster.surveys.link_survey({"sid": SID, "selection": {"kind": "group", "id": group["id"]}})
    with pytest.raises(Conflict) as refused:
        cluster.surveys.link_survey({"sid": SID})
    assert refused.value.args[0] == "surveys.already_linked"
    with pytest.raises(NotFound) as missing:
        cluster.surveys.link_survey({"sid": 999})
    assert missing.value.args[0] == "surveys.remote_survey_missing"

    limesurvey.installation.expire_next_keys = 1  # expires between get_session_key and its first use
    assert len(cluster.surveys.list_remote_surveys()["items"]) == 2  # a new key, one more try
    limesurvey.installation.expire_next_keys = 2
    with pytest.raises(ServiceUnavailable) as expired:
        cluster.surveys.list_remote_surveys()
    assert expired.value.args[0] == "surveys.limesurvey_session_expired"
    limesurvey.installation.users["piiri"] = "changed"
    with pytest.raises(ServiceUnavailable) as login:
        cluster.surveys.sync_survey(link["id"])
    assert login.value.args[0] == "surveys.limesurvey_login_failed"
    assert cluster.surveys.get_link(link["id"])["sync_error"] == "surveys.limesurvey_login_failed"
    limesurvey.installation.users["piiri"] = "secret"
    limesurvey.installation.delete_survey(SID)
    with pytest.raises(NotFound) as deleted:
        cluster.surveys.push_participants(link["id"])
    assert deleted.value.args[0] == "surveys.remote_survey_missing"
    limesurvey.shutdown()
    with pytest.raises(ServiceUnavailable) as down:
        cluster.surveys.list_remote_surveys()
    assert down.value.args[0] == "surveys.limesurvey_unreachable"


def test_q1_the_timer_keeps_every_link_in_step_as_the_user_who_linked_it(run_services, rpc, limesurvey):
    settings = {
        "LIMESURVEY_URL": limesurvey.url,
        "LIMESURVEY_USER": "piiri",
        "LIMESURVEY_PASSWORD": "secret",
        "SURVEY_SYNC_SECONDS": 1,
    }
    run_services(ContactsService, AuditService, SurveysService, extra_config=settings)
    with rpc(ACTOR, timeout=30) as cluster:
        link = cluster.surveys.link_survey({"sid": ANON_SID})
        limesurvey.installation.submit_response(ANON_SID, {"kunta": "Oulu"})
        synced = wait_for(lambda: cluster.surveys.get_link(link["id"])["counts"]["responses"] == 1, 25)
        assert synced, cluster.surveys.get_link(link["id"])
        assert (
            cluster.surveys.get_link(link["id"])["synced_at"]
            and not cluster.surveys.get_link(link["id"])["sync_error"]
        )


def test_q1_c11_a_merged_contacts_participant_entries_become_the_survivors(cluster, limesurvey):
    group, ids = member_group(cluster)
    link = cluster.surveys.link_survey({"sid": SID, "selection": {"kind": "group", "id": group["id"]}})
    assert cluster.surveys.push_participants(link["id"])["added"] == 2
    anna, bertta = ids[0], ids[1]
    cluster.contacts.merge_contacts(anna, [bertta])

    def moved():
        held = cluster.surveys.personal_data(anna)["sections"]["survey_participants"]
        return len(held) == 2 and held

    held = wait_for(moved, 15)
    assert held and {row["email"] for row in held} == {"anna@example.org", "bertta@example.org"}
    assert cluster.surveys.personal_data(bertta)["sections"]["survey_participants"] == []
