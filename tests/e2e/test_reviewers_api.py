"""Q3 (issue 16) step 2 through the gateway: a user with the reviewer role must set up two-factor login
before anything else, and then every route of the gateway but their own account's refuses them (the route
table walked, tests/routes.py); a coordinator takes reviewers into a round over the API, a known conflict
of interest is refused with its reason as a code until an override gives a reason, and automatic
assignment balances the rest; the decision letter as a PDF, and a reviewer declaring their own conflict in
the portal."""

import io
import re

import pyotp
import pypdf
import pytest
import requests

from tests.conftest import ADMIN_PASSWORD, start_system
from tests.e2e.test_permission_matrix import (
    LOGIN,
    PENDING_LOGIN,
    PUBLIC,
    ROUTE_PERMISSIONS,
    SECRET_IN_PATH,
    concrete_path,
)
from tests.routes import gateway_routes, is_api

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SECRET_TEXT = re.compile(r'id="totp-secret">([A-Z2-7]+)<')
# What a reviewer may reach besides the public routes and the login: their own account (the TOTP set-up
# it is sent to, the password change) and the reviewer portal.
REVIEWER_ROUTES = {
    "GET /review",
    "GET /review/<application_id>",
    "POST /review/<application_id>",
    "POST /review/<application_id>/conflict",
    "GET /review/<application_id>/attachments/<attachment_id>",
    "GET /account",
    "GET /account/totp",
    "POST /account/totp",
    "GET /account/password",
    "POST /account/password",
}
OPEN_KINDS = (PUBLIC, LOGIN, PENDING_LOGIN, SECRET_IN_PATH)


@pytest.fixture
def system(run_services, config, clean_databases):
    system = start_system(run_services, config, clean_databases)
    system.create_user("admin", ADMIN_PASSWORD, role="admin")
    system.create_user("arvioija", ADMIN_PASSWORD, role="reviewer")
    return system


def web_login(base, username):
    client = requests.Session()
    form = client.get(f"{base}/login")
    data = {"username": username, "password": ADMIN_PASSWORD, "csrf_token": CSRF.search(form.text).group(1)}
    return client, client.post(f"{base}/login", data=data, allow_redirects=False)


def reviewer_with_totp(base):
    """The reviewer logs in, is sent to set up TOTP, sets it up: their web session."""
    client, login = web_login(base, "arvioija")
    assert login.status_code == 303
    for page in ("/dashboard", "/contacts", "/applications", "/review", "/account"):
        sent = client.get(base + page, allow_redirects=False)
        assert (sent.status_code, sent.headers.get("Location")) == (303, "/account/totp"), page
    setup = client.get(f"{base}/account/totp")
    assert setup.status_code == 200
    secret = SECRET_TEXT.search(setup.text).group(1)
    done = client.post(
        f"{base}/account/totp",
        data={"csrf_token": CSRF.search(setup.text).group(1), "code": pyotp.TOTP(secret).now()},
        allow_redirects=False,
    )
    assert done.status_code == 303, done.text
    return client


def test_q3_a_reviewer_sets_up_totp_first_and_every_other_route_refuses_them(system):
    base = system.base_url
    client = reviewer_with_totp(base)
    account = client.get(f"{base}/account")
    assert account.status_code == 200
    csrf = CSRF.search(account.text).group(1)
    reached = []
    for route in gateway_routes():
        if route in REVIEWER_ROUTES or ROUTE_PERMISSIONS.get(route) in OPEN_KINDS:
            continue
        if route in ("POST /logout", "DELETE /api/v1/auth/token"):
            continue  # they end the session; a reviewer may log out
        method, rule = route.split(" ", 1)
        path = concrete_path(rule)
        if is_api(path):
            headers = {"X-CSRF-Token": csrf}
            response = client.request(method, base + path, json={}, headers=headers, allow_redirects=False)
        else:
            data = {"csrf_token": csrf} if method == "POST" else None
            response = client.request(method, base + path, data=data, allow_redirects=False)
        location = response.headers.get("Location", "")
        to_login = response.status_code in (302, 303) and location.startswith("/login")
        home = route == "GET /dashboard" and (response.status_code, location) == (
            303,
            "/review",
        )  # the portal
        if response.status_code != 403 and not to_login and not home:
            reached.append(f"{route}: HTTP {response.status_code}")
    assert not reached, "routes that do not refuse a reviewer:\n" + "\n".join(reached)
    assert client.get(f"{base}/account").status_code == 200  # still logged in: refused, not logged out


def test_q3_reviewers_and_assignment_through_the_api(system):
    api = system.api(system.token("admin", ADMIN_PASSWORD))
    reviewer_id = api.get("/api/v1/users").json()["items"]
    reviewer_user = next(user["id"] for user in reviewer_id if user["username"] == "arvioija")
    admin_user = next(user["id"] for user in reviewer_id if user["username"] == "admin")
    org = api.post("/api/v1/contacts", json={"kind": "organisation", "organisation_name": "Säätiö"}).json()[
        "id"
    ]
    own = api.post("/api/v1/contacts", json={"first_name": "Arvo", "last_name": "Arvioija"}).json()["id"]
    colleague = api.post("/api/v1/contacts", json={"first_name": "Kolle", "last_name": "Ega"}).json()["id"]
    for person in (own, colleague):
        linked = api.post(
            f"/api/v1/contacts/{person}/organisations", json={"organisation_id": org, "role": "employee"}
        )
        assert linked.status_code == 201, linked.text
    round_id = api.post("/api/v1/application-rounds", json={"name": "Tutkimusapuraha"}).json()["id"]
    application = api.post(
        f"/api/v1/application-rounds/{round_id}/applications",
        json={"contact_id": colleague, "title": "Tutkimus"},
    ).json()["id"]
    not_reviewer = api.post(f"/api/v1/application-rounds/{round_id}/reviewers", json={"user_id": admin_user})
    assert not_reviewer.status_code == 422
    assert not_reviewer.json()["details"] == {"user_id": ["applications.not_a_reviewer"]}
    added = api.post(
        f"/api/v1/application-rounds/{round_id}/reviewers", json={"user_id": reviewer_user, "contact_id": own}
    )
    assert added.status_code == 201, added.text
    body = {"application_id": application, "reviewer_id": added.json()["id"]}
    refused = api.post(f"/api/v1/application-rounds/{round_id}/assignments", json=body)
    assert refused.status_code == 409 and refused.json()["code"] == "applications.conflict_of_interest"
    assert refused.json()["details"] == {"conflicts": ["applications.conflict.same_organisation"]}
    assert api.post(f"/api/v1/application-rounds/{round_id}/assignments:auto").json() == {
        "assigned": 0,
        "unfilled": {application: 2},
    }
    overridden = api.post(
        f"/api/v1/application-rounds/{round_id}/assignments",
        json={**body, "override_reason": "Eri tutkimusryhmä"},
    )
    assert overridden.status_code == 201 and overridden.json()["override_reason"] == "Eri tutkimusryhmä"
    listed = api.get(f"/api/v1/application-rounds/{round_id}/assignments").json()["items"]
    assert [(item["username"], item["conflicts"]) for item in listed] == [("arvioija", ["same_organisation"])]
    page = requests.Session()
    form = page.get(system.base_url + "/login")
    page.post(
        system.base_url + "/login",
        data={"username": "admin", "password": ADMIN_PASSWORD, "csrf_token": CSRF.search(form.text).group(1)},
    )
    shown = page.get(f"{system.base_url}/applications/{round_id}", cookies={"piiri_lang": "sv"})
    assert "Eri tutkimusryhmä" in shown.text and "samma organisation" in shown.text


def test_q3_the_portal_shows_only_assigned_released_fields_404s_the_rest_and_audits_each_read(system, rpc):
    """Q3 step 3 / G2: a reviewer sees only their assigned application, only the released fields and no
    applicant (blind), another application's id is a 404 (not 403), they score and submit, and the
    applicant's audit trail (their access report's source) names the reviewer's read."""
    base = system.base_url
    api = system.api(system.token("admin", ADMIN_PASSWORD))
    users = api.get("/api/v1/users").json()["items"]
    reviewer_user = next(user["id"] for user in users if user["username"] == "arvioija")
    made = api.post(
        "/api/v1/application-rounds",
        json={"name": "Taideapuraha", "form_fields": [{"key": "plan", "label": "Suunnitelma"},
              {"key": "budget", "label": "Budjetti"}], "released_fields": ["plan", "attachments"]},
    ).json()  # fmt: skip
    round_id = made["id"]
    api.put(
        f"/api/v1/application-rounds/{round_id}/rubric",
        json={
            "criteria": [{"name": "Laatu", "weight": 2}, {"name": "Toteutus", "weight": 1, "max_score": 10}]
        },
    )
    people = [
        api.post("/api/v1/contacts", json={"first_name": name, "last_name": "Hakijainen"}).json()["id"]
        for name in ("Salli", "Toivo")
    ]
    attachment = {"filename": "liite.txt", "content_type": "text/plain", "content_base64": "bGlpdGU="}
    mine, other = [
        api.post(
            f"/api/v1/application-rounds/{round_id}/applications",
            json={
                "contact_id": person,
                "title": f"Salainen otsikko {n}",
                "texts": {"plan": f"Suunnitelma {n}", "budget": f"Budjetti {n}"},
                "attachments": [attachment],
                "language": "sv",
            },
        ).json()
        for n, person in enumerate(people)
    ]
    reviewer = api.post(
        f"/api/v1/application-rounds/{round_id}/reviewers", json={"user_id": reviewer_user}
    ).json()
    assigned = api.post(
        f"/api/v1/application-rounds/{round_id}/assignments",
        json={"application_id": mine["id"], "reviewer_id": reviewer["id"]},
    )
    assert assigned.status_code == 201, assigned.text
    assert api.patch(f"/api/v1/application-rounds/{round_id}", json={"phase": "review"}).status_code == 200

    client = reviewer_with_totp(base)
    listed = client.get(f"{base}/review")
    assert listed.status_code == 200 and mine["id"] in listed.text and other["id"] not in listed.text
    assert "Salainen otsikko" not in listed.text  # the title is not released in this round
    guessed = client.get(f"{base}/review/{other['id']}")
    assert guessed.status_code == 404  # not 403: no existence leak
    assert client.get(f"{base}/review/00000000-0000-0000-0000-000000000000").status_code == 404
    page = client.get(f"{base}/review/{mine['id']}")
    assert page.status_code == 200 and "Suunnitelma 0" in page.text
    for hidden in ("Budjetti 0", "Salli", "Hakijainen", people[0], "Salainen otsikko"):
        assert hidden not in page.text, hidden  # blind, and only the released fields
    attachment = re.search(r'href="(/review/[0-9a-f-]+/attachments/[0-9a-f-]+)"', page.text).group(1)
    assert client.get(base + attachment).content == b"liite"
    other_attachment = other["attachments"][0]["id"]
    assert client.get(f"{base}/review/{other['id']}/attachments/{other_attachment}").status_code == 404

    criteria = api.get(f"/api/v1/application-rounds/{round_id}").json()["criteria"]
    csrf = CSRF.search(page.text).group(1)
    bad = client.post(
        f"{base}/review/{mine['id']}",
        data={"csrf_token": csrf, "action": "submit", f"score_{criteria[0]['id']}": "7"},
        cookies={"piiri_lang": "en"},
    )
    assert bad.status_code == 422 and "the score must be between 0 and 5" in bad.text
    assert "the score is missing" in bad.text
    done = client.post(
        f"{base}/review/{mine['id']}",
        data={"csrf_token": csrf, "action": "submit", f"score_{criteria[0]['id']}": "4",
              f"comment_{criteria[0]['id']}": "Hyvä", f"score_{criteria[1]['id']}": "8,5"},
        allow_redirects=False,
    )  # fmt: skip
    assert done.status_code == 303, done.text
    again = client.get(f"{base}/review/{mine['id']}")
    assert 'id="review-locked"' in again.text and 'value="8.5"' in again.text

    from conftest import make_actor

    with rpc(make_actor("tarkastaja")) as proxy:

        def reviewer_read_audited():
            events = proxy.audit.events_for_subject(people[0])["items"]
            return [e for e in events if e["action"] == "application.reviewer_viewed"]

        import time

        deadline = time.monotonic() + 10
        while not reviewer_read_audited() and time.monotonic() < deadline:
            time.sleep(0.2)
        reads = reviewer_read_audited()
        assert reads and reads[0]["actor"]["username"] == "arvioija"
        assert not [
            e for e in proxy.audit.events_for_subject(people[1])["items"] if "reviewer" in e["action"]
        ]

    # Q3 step 4: the coordinator's view and the decision letter (never reviewers' names or scores).
    assert (
        api.put(
            f"/api/v1/application-rounds/{round_id}/rubric", json={"criteria": [{"name": "X", "weight": 1}]}
        ).json()["code"]
        == "applications.rubric_in_use"
    )
    results = api.get(f"/api/v1/application-rounds/{round_id}/results").json()
    row = next(item for item in results["items"] if item["application_id"] == mine["id"])
    # (2 * 4/5 + 1 * 8.5/10) / 3 = 81.7; no minimum set, one review: no flags
    assert (row["reviews"], row["assigned"], row["average"], row["spread"]) == (1, 1, 81.7, 0.0)
    assert row["flags"] == {"diverging": False, "under_minimum": []} and "arvioija" not in str(results)
    early = api.get(f"/api/v1/application-rounds/{round_id}/applications/{mine['id']}/decision-letter")
    assert early.status_code == 409 and early.json()["code"] == "applications.not_decided"
    bad = api.post(
        f"/api/v1/application-rounds/{round_id}/applications/{mine['id']}/decision",
        json={"decision": "maybe"},
    )
    assert bad.status_code == 422 and bad.json()["code"] == "applications.decision_invalid"
    decided = api.post(
        f"/api/v1/application-rounds/{round_id}/applications/{mine['id']}/decision",
        json={"decision": "accept", "note": "Välkommen!"},
    )
    assert decided.status_code == 200 and decided.json()["state"] == "accepted"
    letter = api.get(f"/api/v1/application-rounds/{round_id}/applications/{mine['id']}/decision-letter")
    assert letter.status_code == 200 and letter.headers["Content-Type"].startswith("text/plain")
    text = letter.text
    assert "Bästa Salli Hakijainen," in text and "har godkänts" in text and "Välkommen!" in text
    assert "arvioija" not in text and "8.5" not in text and "81.7" not in text and "Hyvä" not in text
    pdf = api.get(f"/api/v1/application-rounds/{round_id}/applications/{mine['id']}/decision-letter.pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith('attachment; filename="beslut-')
    shown = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    for expected in (
        "Beslut: Taideapuraha",
        "Bästa Salli Hakijainen,",
        "Godkänd",
        "Motivering",
        "Välkommen!",
    ):
        assert expected in shown, expected
    assert "arvioija" not in shown and "81.7" not in shown and "Hyvä" not in shown

    # Q3: the reviewer declares a conflict with the application in the portal: it is taken from them.
    page = client.get(f"{base}/review/{mine['id']}")
    declared = client.post(
        f"{base}/review/{mine['id']}/conflict",
        data={"csrf_token": CSRF.search(page.text).group(1), "reason": "Hakija on naapurini"},
        allow_redirects=False,
    )
    assert (declared.status_code, declared.headers["Location"]) == (303, "/review?declared=1")
    listed = client.get(f"{base}/review?declared=1")
    assert 'id="conflict-declared"' in listed.text and mine["id"] not in listed.text
    assert client.get(f"{base}/review/{mine['id']}").status_code == 404
    [row] = api.get(f"/api/v1/application-rounds/{round_id}/reviewers").json()["items"]
    assert [(d["application_id"], d["reason"]) for d in row["declarations"]] == [
        (mine["id"], "Hakija on naapurini")
    ]
