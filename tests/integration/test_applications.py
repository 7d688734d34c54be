"""Q3 (issue 16), step 1, on the real broker and databases: an application round with its rubric
(weights and minimums checked, nothing half-written), applications entered in Piiri with an attachment
(type and size limits) and taken in from a linked LimeSurvey survey's responses that Q2 tied to contacts,
every read audited against the applicant (G2) and listed in their access report part (G3), and an erased
applicant's applications pseudonymised: the rows stay (for the round's counts and later its scores),
without the applicant, title, texts or attachments (G4)."""

import base64
import io
from datetime import datetime, time, timedelta

import pypdf
import pytest
import time_machine
from sqlalchemy import text

from conftest import ALL_PERMISSIONS, make_actor
from emulators.limesurvey.server import serve
from emulators.limesurvey.state import Installation
from piiri import clock
from piiri.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from services.audit.service import AuditService
from services.contacts.service import ContactsService
from services.surveys.service import SurveysService
from tests.events import wait_for

SID = 737373
ACTOR = make_actor(
    "round-coordinator",
    permissions=(
        *ALL_PERMISSIONS,
        "contacts.export",
        "contacts.import",
        "audit.view",
        "gdpr.officer",
        "groups.manage",
    ),
)
PDF = base64.b64encode(b"%PDF-1.4 hakemus").decode()


@pytest.fixture
def limesurvey():
    installation = Installation(users={"piiri": "secret"})
    installation.add_survey(
        SID,
        "Apurahahaku",
        questions=[("etu", "Etunimi"), ("suku", "Sukunimi"), ("sposti", "Sähköposti"), ("hanke", "Hanke"),
                   ("suunnitelma", "Suunnitelma")],
    )  # fmt: skip
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
        "ORGANISATION_NAME": "Kulttuurisäätiö sr",
    }
    run_services(ContactsService, AuditService, SurveysService, extra_config=settings)
    with rpc(ACTOR, timeout=30) as proxy:
        yield proxy


def a_round(cluster, **extra):
    return cluster.surveys.create_round(
        {
            "name": "Kulttuuriapuraha 2027",
            "form_fields": [{"key": "plan", "label": "Suunnitelma"}, {"key": "budget", "label": "Budjetti"}],
            "released_fields": ["title", "plan", "attachments"],
            "review_until": (clock.today() + timedelta(days=90)).isoformat(),
            **extra,
        }
    )


def test_q3_a_round_its_rubric_and_an_entered_application_with_an_attachment(cluster):
    made = a_round(cluster)
    assert made["blind"] is True and made["phase"] == "assign" and made["reviewers_per_application"] == 2
    for criteria, details in (
        (
            [{"name": "Laatu", "weight": 1}, {"name": "Hinta", "weight": "x"}],
            {"criteria.2.weight": ["applications.value_not_number"]},
        ),
        (
            [{"name": "Laatu", "weight": 0}, {"name": "Hinta", "weight": 1, "minimum": 9}],
            {
                "criteria.1": ["applications.weight_not_positive"],
                "criteria.2": [{"code": "applications.minimum_out_of_range", "params": {"max": "5"}}],
            },
        ),
    ):
        with pytest.raises(ValidationFailed) as refused:
            cluster.surveys.set_rubric(made["id"], {"criteria": criteria})
        assert refused.value.message == "applications.rubric_invalid" and refused.value.details == details
    assert cluster.surveys.get_round(made["id"])["criteria"] == []  # nothing half-written
    rubric = {
        "criteria": [{"name": "Laatu", "weight": 2, "minimum": 3}, {"name": "Toteutettavuus", "weight": 1}]
    }
    round_ = cluster.surveys.set_rubric(made["id"], rubric)
    assert [(c["name"], c["weight"], c["minimum"], c["max_score"]) for c in round_["criteria"]] == [
        ("Laatu", 2.0, 3.0, 5),
        ("Toteutettavuus", 1.0, None, 5),
    ]
    with pytest.raises(ValidationFailed) as refused:
        cluster.surveys.update_round(made["id"], {"released_fields": ["email"]})
    assert refused.value.details["released_fields"][0]["code"] == "applications.field_unknown"

    anna = cluster.contacts.create_contact({"first_name": "Anna", "last_name": "Apuraha"})["id"]
    bad = {
        "contact_id": anna,
        "title": "Kuoro",
        "texts": {"plan": "x", "salary": "y"},
        "attachments": [
            {"filename": "a.exe", "content_type": "application/x-msdownload", "content_base64": PDF}
        ],
    }
    with pytest.raises(ValidationFailed) as refused:
        cluster.surveys.add_application(made["id"], bad)
    assert set(refused.value.details) == {"texts", "attachments.1"}
    missing = {"contact_id": "00000000-0000-0000-0000-000000000001", "title": "Kuoro"}
    with pytest.raises(ValidationFailed) as refused:
        cluster.surveys.add_application(made["id"], missing)
    assert refused.value.details == {"contact_id": ["applications.applicant_not_found"]}
    good = {
        "contact_id": anna,
        "title": "Kuoron kiertue",
        "texts": {"plan": "Laulamme Lapissa"},
        "language": "sv",
        "attachments": [
            {"filename": "budjetti.pdf", "content_type": "application/pdf", "content_base64": PDF}
        ],
    }
    entered = cluster.surveys.add_application(made["id"], good)
    assert entered["source"] == "piiri" and entered["attachments"][0]["size"] == len(base64.b64decode(PDF))
    assert cluster.surveys.list_rounds()["items"][0]["counts"] == {"submitted": 1}
    shown = cluster.surveys.get_application(made["id"], entered["id"])
    assert shown["texts"] == {"plan": "Laulamme Lapissa"} and shown["language"] == "sv"
    file = cluster.surveys.get_attachment(made["id"], entered["id"], entered["attachments"][0]["id"])
    assert file["content_base64"] == PDF
    with pytest.raises(NotFound):  # another round's id with this application: not found
        cluster.surveys.get_application(a_round(cluster)["id"], entered["id"])

    def audited():
        actions = {e["action"] for e in cluster.audit.events_for_subject(anna, 50)["items"]}
        return {"application.entered", "application.viewed", "application.attachment_viewed"} <= actions

    assert wait_for(audited, 15)  # G2: every read of the application names its applicant
    held = cluster.surveys.personal_data(anna)["sections"]["applications"]  # G3
    assert [(row["round_name"], row["title"], row["attachments"]) for row in held] == [
        ("Kulttuuriapuraha 2027", "Kuoron kiertue", ["budjetti.pdf"])
    ]


def test_q3_applications_from_a_linked_surveys_responses_and_an_erased_applicant(
    cluster, limesurvey, engines
):
    link = cluster.surveys.link_survey(
        {
            "sid": SID,
            "mapping": {"etu": "first_name", "suku": "last_name", "sposti": "email"},
            "new_people": "create",
        }
    )
    lsi = limesurvey.installation
    lsi.submit_response(SID, {"etu": "Eino", "suku": "Esko", "sposti": "eino@example.org", "hanke": "Elokuva",
                              "suunnitelma": "Kuvaamme kesällä"}, language="en")  # fmt: skip
    lsi.submit_response(SID, {"etu": "Huono", "sposti": "ei-osoite", "hanke": "Ei yhteyttä"})  # no contact
    assert cluster.surveys.sync_survey(link["id"])["responses"] == {"created": 1, "error": 1}
    yesterday = (clock.today() - timedelta(days=1)).isoformat()
    made = a_round(
        cluster,
        link_id=link["id"],
        question_map={"hanke": "title", "suunnitelma": "plan"},
        submit_until=yesterday,
        review_until=None,
    )
    # Q3 deadlines: a response submitted after the round's submission deadline is not taken
    assert cluster.surveys.import_applications(made["id"]) == {"added": 0, "skipped": 0, "late": 1}
    cluster.surveys.update_round(made["id"], {"submit_until": None})
    imported = cluster.surveys.import_applications(made["id"])
    assert imported == {"added": 1, "skipped": 0, "late": 0}
    assert cluster.surveys.import_applications(made["id"]) == {"added": 0, "skipped": 0, "late": 0}  # once
    [application] = cluster.surveys.list_applications(made["id"])["items"]
    assert (application["title"], application["texts"], application["source"]) == (
        "Elokuva",
        {"plan": "Kuvaamme kesällä"},
        "survey",
    )
    eino = application["contact_id"]

    cluster.contacts.request_erasure(eino, "the applicant asked (Q3 erasure)")

    def pseudonymised():
        [row] = cluster.surveys.list_applications(made["id"])["items"]
        return row if row["pseudonymised_at"] else None

    row = wait_for(pseudonymised, 30)
    assert row and row["contact_id"] is None and row["title"] is None and row["texts"] == {}
    assert row["state"] == "submitted" and row["attachments"] == []  # the row stays, without identity
    assert cluster.surveys.personal_data(eino)["sections"]["applications"] == []
    with engines["surveys"].connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM applications WHERE contact_id IS NULL")).scalar() == 1


def test_q3_step2_conflicts_piiri_knows_overrides_with_reasons_and_balanced_automatic_assignment(cluster):
    """Q3 reviewers: a reviewer's own application, a colleague in the same organisation, a partner, a member
    of a group the round marks as conflicting and a declared conflict are refused by hand (with the
    reasons), an override records its reason; automatic assignment fills n per application, balanced,
    never a conflict."""
    c = cluster.contacts
    board = c.create_group("Hallitus")
    made = a_round(cluster, reviewers_per_application=2, conflict_group_ids=[board["id"]])
    acme = c.create_contact({"kind": "organisation", "organisation_name": "Acme Oy"})["id"]
    people = {
        name: c.create_contact({"first_name": name, "last_name": "Testi"})["id"]
        for name in ("Riikka", "Kalle", "Puoliso", "Hallitus", "Vieras", "Toinen", "Kolmas")
    }
    c.add_affiliation(people["Riikka"], {"organisation_id": acme, "role": "employee"})
    c.add_affiliation(people["Kalle"], {"organisation_id": acme, "role": "member"})
    c.link_couple({"contact_ids": [people["Riikka"], people["Puoliso"]]})
    c.add_members(board["id"], [people["Riikka"], people["Hallitus"]])
    apps = {
        name: cluster.surveys.add_application(
            made["id"], {"contact_id": people[name], "title": f"Hanke {name}"}
        )
        for name in ("Riikka", "Kalle", "Puoliso", "Hallitus", "Vieras")
    }
    riikka = cluster.surveys.add_reviewer(
        made["id"], {"user_id": "u-riikka", "username": "riikka", "contact_id": people["Riikka"]}
    )
    others = [
        cluster.surveys.add_reviewer(
            made["id"], {"user_id": f"u-{n}", "username": n, "contact_id": people[n.title()]}
        )
        for n in ("toinen", "kolmas")
    ]
    with pytest.raises(Conflict):
        cluster.surveys.add_reviewer(made["id"], {"user_id": "u-riikka", "username": "riikka"})
    cluster.surveys.declare_conflict(made["id"], riikka["id"], apps["Vieras"]["id"])

    expected = {
        "Riikka": "applications.conflict.own_application",
        "Kalle": "applications.conflict.same_organisation",
        "Puoliso": "applications.conflict.couple",
        "Hallitus": "applications.conflict.conflict_group",
        "Vieras": "applications.conflict.declared",
    }
    for name, reason in expected.items():
        with pytest.raises(Conflict) as refused:
            cluster.surveys.assign_reviewer(
                made["id"], {"application_id": apps[name]["id"], "reviewer_id": riikka["id"]}
            )
        assert refused.value.message == "applications.conflict_of_interest"
        assert refused.value.details == {"conflicts": [reason]}, name
    overridden = cluster.surveys.assign_reviewer(
        made["id"],
        {
            "application_id": apps["Kalle"]["id"],
            "reviewer_id": riikka["id"],
            "override_reason": "Eri osasto, ei yhteistyötä",
        },
    )
    assert overridden["override_reason"] == "Eri osasto, ei yhteistyötä"
    assert overridden["conflicts"] == ["same_organisation"]

    result = cluster.surveys.auto_assign(made["id"])
    assignments = cluster.surveys.list_assignments(made["id"])["items"]
    per_application = {}
    for item in assignments:
        per_application.setdefault(item["application_id"], []).append(item["reviewer_id"])
    assert all(len(reviewers) == 2 for reviewers in per_application.values()) and len(per_application) == 5
    assert result == {"assigned": 9, "unfilled": {}}
    riikkas = {item["application_id"] for item in assignments if item["reviewer_id"] == riikka["id"]}
    assert riikkas == {apps["Kalle"]["id"]}  # her only application is the overridden one
    loads = {r["username"]: r["assigned"] for r in cluster.surveys.list_reviewers(made["id"])["items"]}
    assert loads == {"riikka": 1, "toinen": 5, "kolmas": 4} or loads == {
        "riikka": 1,
        "toinen": 4,
        "kolmas": 5,
    }
    assert {r["id"] for r in others} <= {item["reviewer_id"] for item in assignments}
    assert cluster.surveys.auto_assign(made["id"]) == {"assigned": 0, "unfilled": {}}

    def override_audited():
        actions = {e["action"] for e in cluster.audit.events_for_subject(made["id"], 50)["items"]}
        return "application.conflict_overridden" in actions

    assert wait_for(override_audited, 15)


def test_q3_g4_an_erased_applicants_reviews_stay_without_identity_and_a_reviewer_sees_only_theirs(
    cluster, rpc
):
    """Q3/G4: a reviewer (the reviewer role, no permission) scores their assigned application over the
    bus; another application is NotFound for them; after the applicant is erased the application is
    pseudonymised and the round's results still count the review, with no applicant left."""
    expert = make_actor("ulkopuolinen", permissions=(), roles=("reviewer",))
    made = a_round(cluster)
    cluster.surveys.set_rubric(made["id"], {"criteria": [{"name": "Laatu", "weight": 1, "minimum": 3}]})
    criterion = cluster.surveys.get_round(made["id"])["criteria"][0]["id"]
    people = [cluster.contacts.create_contact({"first_name": n, "last_name": "Poistuva"})["id"] for n in "AB"]
    apps = [
        cluster.surveys.add_application(made["id"], {"contact_id": p, "title": f"Hanke {p[:4]}"})
        for p in people
    ]
    reviewer = cluster.surveys.add_reviewer(made["id"], {"user_id": expert.id, "username": expert.username})
    cluster.surveys.assign_reviewer(
        made["id"], {"application_id": apps[0]["id"], "reviewer_id": reviewer["id"]}
    )
    cluster.surveys.update_round(made["id"], {"phase": "review"})
    with rpc(expert, timeout=30) as portal:
        assert [item["application_id"] for item in portal.surveys.my_reviews()["items"]] == [apps[0]["id"]]
        with pytest.raises(NotFound):
            portal.surveys.my_review(apps[1]["id"])
        with pytest.raises(PermissionDenied):
            portal.contacts.get_contact(people[0])  # no registry permission at all
        shown = portal.surveys.my_review(apps[0]["id"])
        assert "contact_id" not in shown and shown["title"] == apps[0]["title"]
        assert shown["applicant_name"] is None  # blind by default
        cluster.surveys.update_round(made["id"], {"blind": False})
        assert portal.surveys.my_review(apps[0]["id"])["applicant_name"] == "A Poistuva"
        cluster.surveys.update_round(made["id"], {"blind": True})
        portal.surveys.save_review(apps[0]["id"], {criterion: {"score": 2, "comment": "Heikko"}}, True)
        with pytest.raises(Conflict):
            portal.surveys.save_review(apps[0]["id"], {criterion: {"score": 5}}, True)  # submitted: locked
    with pytest.raises(PermissionDenied):  # the portal is for reviewers only
        cluster.surveys.my_reviews()

    cluster.contacts.request_erasure(people[0], "the applicant asked (Q3 G4)")

    def pseudonymised():
        rows = cluster.surveys.list_applications(made["id"])["items"]
        return next((row for row in rows if row["id"] == apps[0]["id"] and row["pseudonymised_at"]), None)

    assert wait_for(pseudonymised, 30)
    results = cluster.surveys.round_results(made["id"])["items"]
    erased = next(item for item in results if item["application_id"] == apps[0]["id"])
    assert erased["title"] is None and erased["reviews"] == 1 and erased["average"] == 40.0
    assert erased["flags"]["under_minimum"] == [criterion]  # the score stays, without identity


def pdf_text(content):
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def tomorrow_noon():
    return datetime.combine(clock.today() + timedelta(days=1), time(12), clock.timezone())


def test_q3_deadlines_a_reviewers_own_conflict_and_the_decision_letter_audited_and_as_pdf(cluster, rpc):
    """Q3: the round's submission and review deadlines hold to the end of their day and then refuse
    (time-machine moves the clock); a reviewer declares a conflict with an assigned application, which is
    taken from them (404 after) while the coordinator sees the declaration with its reason and assigns
    another reviewer; the decision letter's every read is audited against the applicant (G2), and its PDF
    is in the applicant's language with the organisation's name, the decision, reasoning and date."""
    expert = make_actor("jaavi", permissions=(), roles=("reviewer",))
    today = clock.today().isoformat()
    made = a_round(cluster, submit_until=today, review_until=today)
    cluster.surveys.set_rubric(made["id"], {"criteria": [{"name": "Laatu", "weight": 1}]})
    criterion = cluster.surveys.get_round(made["id"])["criteria"][0]["id"]
    people = [cluster.contacts.create_contact({"first_name": n, "last_name": "Hakija"})["id"] for n in "AB"]
    apps = [  # on the deadline day itself applications are still taken
        cluster.surveys.add_application(
            made["id"], {"contact_id": p, "title": f"Hanke {n}", "language": "sv"}
        )
        for n, p in zip("AB", people, strict=True)
    ]
    reviewer = cluster.surveys.add_reviewer(made["id"], {"user_id": expert.id, "username": expert.username})
    other = cluster.surveys.add_reviewer(made["id"], {"user_id": "u-toinen", "username": "toinen"})
    for application in apps:
        cluster.surveys.assign_reviewer(
            made["id"], {"application_id": application["id"], "reviewer_id": reviewer["id"]}
        )
    cluster.surveys.update_round(made["id"], {"phase": "review"})

    with rpc(expert, timeout=30) as portal:
        listed = portal.surveys.my_reviews()["items"]
        assert {(item["review_until"], item["days_left"], item["review_closed"]) for item in listed} == {
            (today, 0, False)
        }
        portal.surveys.save_review(apps[0]["id"], {criterion: {"score": 4, "comment": "Hyvä"}}, False)
        with pytest.raises(ValidationFailed) as refused:
            portal.surveys.declare_my_conflict(apps[1]["id"], {"reason": "x" * 1001})
        assert refused.value.message == "applications.declaration_invalid"
        declared = portal.surveys.declare_my_conflict(apps[1]["id"], {"reason": "Hakija on serkkuni"})
        assert declared == {"application_id": apps[1]["id"], "declared": True}
        assert [item["application_id"] for item in portal.surveys.my_reviews()["items"]] == [apps[0]["id"]]
        with pytest.raises(NotFound):  # taken from them: its content is no longer theirs to see
            portal.surveys.my_review(apps[1]["id"])
        with pytest.raises(NotFound):
            portal.surveys.declare_my_conflict(apps[1]["id"], {})

        with time_machine.travel(tomorrow_noon(), tick=True):
            mine = portal.surveys.my_review(apps[0]["id"])
            assert (mine["days_left"], mine["review_closed"]) == (-1, True)
            with pytest.raises(Conflict) as closed:
                portal.surveys.save_review(apps[0]["id"], {criterion: {"score": 5}}, True)
            assert closed.value.message == "applications.review_closed"
            assert closed.value.params == {"deadline": today}
            with pytest.raises(Conflict) as closed:
                cluster.surveys.add_application(made["id"], {"contact_id": people[0], "title": "Myöhässä"})
            assert closed.value.message == "applications.submission_closed"
            assert closed.value.params == {"deadline": today}

    listed = {r["username"]: r for r in cluster.surveys.list_reviewers(made["id"])["items"]}
    [declaration] = listed["jaavi"]["declarations"]
    assert (declaration["application_id"], declaration["reason"], declaration["declared_by"]) == (
        apps[1]["id"],
        "Hakija on serkkuni",
        "jaavi",
    )
    assert listed["jaavi"]["assigned"] == 1
    with pytest.raises(Conflict) as refused:  # never given back to them without an override
        cluster.surveys.assign_reviewer(
            made["id"], {"application_id": apps[1]["id"], "reviewer_id": reviewer["id"]}
        )
    assert refused.value.details == {"conflicts": ["applications.conflict.declared"]}
    cluster.surveys.update_round(made["id"], {"reviewers_per_application": 1})
    assert cluster.surveys.auto_assign(made["id"]) == {"assigned": 1, "unfilled": {}}
    given = {
        (a["application_id"], a["reviewer_id"]) for a in cluster.surveys.list_assignments(made["id"])["items"]
    }
    assert given == {(apps[0]["id"], reviewer["id"]), (apps[1]["id"], other["id"])}

    def declaration_audited():
        events = cluster.audit.events_for_subject(made["id"], 50)["items"]
        return [e for e in events if e["action"] == "application.conflict_self_declared"]

    [event] = wait_for(declaration_audited, 15)
    assert event["actor"]["username"] == "jaavi" and "serkku" not in str(event)

    with pytest.raises(Conflict):
        cluster.surveys.decision_letter_pdf(made["id"], apps[0]["id"])  # not decided yet
    cluster.surveys.decide_application(
        made["id"], apps[0]["id"], {"decision": "reject", "note": "Budjetti jäi epäselväksi."}
    )
    letter = cluster.surveys.decision_letter(made["id"], apps[0]["id"])
    assert letter["state"] == "rejected" and letter["language"] == "sv"
    made_pdf = cluster.surveys.decision_letter_pdf(made["id"], apps[0]["id"])
    assert made_pdf["content_type"] == "application/pdf" and made_pdf["filename"].endswith(".pdf")
    text_of = pdf_text(base64.b64decode(made_pdf["content_base64"]))
    for expected in (
        "Kulttuurisäätiö sr",  # ORGANISATION_NAME
        "Beslut: Kulttuuriapuraha 2027",
        "Bästa A Hakija,",
        "Hanke A",
        "Avslagen",
        "Motivering",
        "Budjetti jäi epäselväksi.",
        clock.today().strftime("%-d.%-m.%Y"),
    ):
        assert expected in text_of, expected
    assert "jaavi" not in text_of and "Hyvä" not in text_of  # never reviewers' names or their words

    def letter_reads():
        events = cluster.audit.events_for_subject(people[0], 50)["items"]
        return sorted(e["details"]["format"] for e in events if e["action"] == "application.letter_read")

    assert wait_for(lambda: letter_reads() == ["pdf", "text"], 15), letter_reads()
