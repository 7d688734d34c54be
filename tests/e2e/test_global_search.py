"""Issue 13 item 1 end to end: the header's global search asks GET /search/suggestions (a web session)
for contacts by name, e-mail or phone; each answer is the contacts service's search, audited as one
``contact.listed`` read naming every contact suggested and limited to the caller's scope (C6); bad input
is a 400, never a 5xx; without a session it is the login page, without contacts.view a 403."""

import requests

from tests.e2e.test_audit_api import events, wait_for
from tests.e2e.test_login_security import web_login

PASSWORD = "hakulaatikon salasana 1"


def created(response):
    assert response.status_code == 201, response.text
    return response.json()


def suggestions(client, base_url, query, status=200):
    answer = client.get(f"{base_url}/search/suggestions", params={"q": query}, allow_redirects=False)
    assert answer.status_code == status, (answer.status_code, answer.text[:300])
    if status == 200:
        assert answer.headers["Content-Type"].startswith("application/json")
        assert answer.headers["Cache-Control"] == "no-store"
    return answer


def logged_in(system, username):
    client, login = web_login(system.base_url, username, PASSWORD)
    assert login.status_code == 303, login.text[:300]
    return client


def test_issue13_suggestions_find_by_name_email_and_phone_and_are_audited(system, admin_api):
    eino = created(
        admin_api.post(
            "/api/v1/contacts",
            json={"first_name": "Eino", "last_name": "Hakulinen", "email": "eino.h@example.fi",
                  "phone": "040 765 4321", "city": "Oulu"},
        )
    )  # fmt: skip
    created(admin_api.post("/api/v1/contacts", json={"first_name": "Aili", "last_name": "Hakulinen"}))
    for number in range(10):
        created(
            admin_api.post("/api/v1/contacts", json={"first_name": f"Muu{number}", "last_name": "Hakuli"})
        )
    system.create_user("maija", PASSWORD, role="staff")
    client = logged_in(system, "maija")

    # By name, accent-insensitively: at most 8, each with where it leads and what identifies it.
    body = suggestions(client, system.base_url, "häkülinen").json()
    names = [item["name"] for item in body["items"]]
    assert set(names) == {"Eino Hakulinen", "Aili Hakulinen"}, names
    [found] = [item for item in body["items"] if item["id"] == eino["id"]]
    assert found["url"] == f"/contacts/{eino['id']}"
    assert found["detail"] == ["eino.h@example.fi", "+358 40 7654321", "Oulu"]
    assert body["all"]["url"] == "/contacts?q=h%C3%A4k%C3%BClinen"
    assert body["status"] == "2 ehdotusta."  # in the reader's language (a Finnish session by default)
    many = suggestions(client, system.base_url, "hakuli").json()
    assert len(many["items"]) == 8 and many["status"] == "8 ehdotusta."

    # By e-mail and by phone (however it is typed).
    assert [i["id"] for i in suggestions(client, system.base_url, "eino.h@example").json()["items"]] == [
        eino["id"]
    ]
    assert [i["id"] for i in suggestions(client, system.base_url, "040 7654321").json()["items"]] == [
        eino["id"]
    ]
    none = suggestions(client, system.base_url, "zzxxqq").json()
    assert none["items"] == [] and none["status"] == "Ei osumia."

    # Every answer with contacts is one audit read by maija naming exactly the contacts suggested.
    listed = wait_for(
        lambda: events(admin_api, action="contact.listed", actor="maija", limit=50),
        lambda page: (
            {item["details"].get("query") for item in page["items"]}
            >= {"häkülinen", "hakuli", "eino.h@example", "040 7654321"}
        ),
    )
    by_query = {item["details"]["query"]: item for item in listed["items"]}
    assert set(by_query["häkülinen"]["subject_ids"]) == {item["id"] for item in body["items"]}
    assert set(by_query["hakuli"]["subject_ids"]) == {item["id"] for item in many["items"]}
    assert "zzxxqq" not in by_query  # nothing shown, nothing to record

    # One letter reads nothing (and records nothing): the suggestions start at two.
    short = suggestions(client, system.base_url, "h").json()
    assert short["items"] == [] and short["query"] == "h"


def test_issue13_a_scoped_user_is_never_suggested_a_contact_outside_their_scope(system, admin_api):
    helsinki = created(admin_api.post("/api/v1/groups", json={"name": "Helsinki"}))
    turku = created(admin_api.post("/api/v1/groups", json={"name": "Turku"}))
    inka = created(admin_api.post("/api/v1/contacts", json={"first_name": "Inka", "last_name": "Rajahaku"}))
    outi = created(
        admin_api.post(
            "/api/v1/contacts",
            json={"first_name": "Outi", "last_name": "Rajahaku", "email": "outi.rajahaku@example.fi"},
        )
    )
    for group, person in ((helsinki, inka), (turku, outi)):
        added = admin_api.post(f"/api/v1/groups/{group['id']}/members", json={"contact_ids": [person["id"]]})
        assert added.status_code == 200, added.text
    role = {"code": "local", "label_fi": "Paikallinen", "label_en": "Local", "permissions": ["contacts.view"]}
    created(admin_api.post("/api/v1/roles", json=role))
    hanna = created(
        admin_api.post("/api/v1/users", json={"username": "hanna", "password": PASSWORD, "role": "local"})
    )
    created(
        admin_api.post(
            "/api/v1/user-groups",
            json={"name": "Helsinki", "member_ids": [hanna["id"]], "contact_group_ids": [helsinki["id"]]},
        )
    )
    client = logged_in(system, "hanna")

    found = suggestions(client, system.base_url, "rajahaku").json()["items"]
    assert [item["id"] for item in found] == [inka["id"]]
    assert suggestions(client, system.base_url, "outi.rajahaku@example.fi").json()["items"] == []
    assert outi["id"] not in suggestions(client, system.base_url, "outi").text
    # The admin, unscoped, gets both.
    admin = requests.Session()
    admin, login = web_login(system.base_url, "admin", "correct horse battery", client=admin)
    assert login.status_code == 303
    assert {item["id"] for item in suggestions(admin, system.base_url, "rajahaku").json()["items"]} == {
        inka["id"],
        outi["id"],
    }


def test_issue13_bad_input_is_a_400_and_the_route_needs_a_session_with_contacts_view(system, admin_api):
    system.create_user("maija", PASSWORD, role="staff")
    client = logged_in(system, "maija")
    base = system.base_url

    nul = client.get(f"{base}/search/suggestions?q=a%00b", allow_redirects=False)
    assert nul.status_code == 400 and "NUL" in nul.text
    for bad in ("a\x01b", "tab\there", "x" * 101, "\x7f\x7f"):
        answer = suggestions(client, base, bad, status=400)
        body = answer.json()
        assert body["error"] == "bad_request" and "q" in body["details"], body
    surrogate = client.get(f"{base}/search/suggestions?q=%ED%A0%80", allow_redirects=False)
    assert surrogate.status_code < 500
    assert suggestions(client, base, "").json()["items"] == []
    assert suggestions(client, base, "%_\\'\"<script>").status_code == 200  # odd but harmless: searched

    # No session: the login page, as for every page; a bearer token is not a web session.
    anonymous = requests.get(f"{base}/search/suggestions", params={"q": "ab"}, allow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["Location"].startswith("/login")
    token = system.token("maija", PASSWORD)
    with_token = requests.get(
        f"{base}/search/suggestions",
        params={"q": "ab"},
        headers={"Authorization": f"Bearer {token}"},
        allow_redirects=False,
    )
    assert with_token.status_code == 303

    # A user without contacts.view: 403 in JSON, and no search box in their header.
    role = {"code": "no_view", "label_fi": "Ei", "label_en": "None", "permissions": ["users.manage"]}
    created(admin_api.post("/api/v1/roles", json=role))
    created(
        admin_api.post("/api/v1/users", json={"username": "ville", "password": PASSWORD, "role": "no_view"})
    )
    ville = logged_in(system, "ville")
    refused = suggestions(ville, base, "ab", status=403)
    assert refused.json()["error"] == "permission_denied"
    page = ville.get(f"{base}/account")
    assert page.status_code == 200 and 'id="global-search"' not in page.text
    assert 'id="global-search"' in client.get(f"{base}/account").text
