"""End to end through /api/v1 (G2, S2): the organisation-wide audit log search with its filters and paging,
the CSV export (itself audited), the hash chain check, the permissions every route needs, and the OpenAPI
document."""

import csv
import io
import time

import requests

PASSWORD = "kuusi kuusta kuusessa"


def wait_for(fetch, done, timeout=10.0):
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if done(value):
            return value
        assert time.monotonic() < deadline, f"gave up waiting; last value: {value!r}"
        time.sleep(0.1)


def events(api, **filters):
    response = api.get("/api/v1/audit/events", params=filters)
    assert response.status_code == 200, response.text
    return response.json()


def actions(page):
    return [item["action"] for item in page["items"]]


def test_g2_the_audit_log_is_searched_by_person_user_and_action_through_the_api(system, admin_api):
    contact = admin_api.post("/api/v1/contacts", json={"first_name": "Aino", "last_name": "Aalto"}).json()[
        "id"
    ]
    assert admin_api.get(f"/api/v1/contacts/{contact}").status_code == 200
    assert admin_api.patch(f"/api/v1/contacts/{contact}", json={"city": "Oulu"}).status_code == 200

    trail = wait_for(
        lambda: events(admin_api, subject_id=contact),
        lambda page: {"contact.created", "contact.viewed", "contact.updated"} <= set(actions(page)),
    )
    # The polling searches above are in the log too (audit.searched, about this contact): skip them.
    contact_actions = [action for action in actions(trail) if not action.startswith("audit.")]
    assert contact_actions[:3] == ["contact.updated", "contact.viewed", "contact.created"]
    assert all(item["actor"]["username"] == "admin" for item in trail["items"])
    assert all(contact in item["subject_ids"] for item in trail["items"])

    viewed = events(admin_api, subject_id=contact, action="contact.viewed", actor="admin")
    assert actions(viewed) == ["contact.viewed"]
    assert events(admin_api, subject_id=contact, actor="nobody-else")["items"] == []
    assert events(admin_api, subject_id=contact, service="contacts", subject_type="contact")["items"]
    assert events(admin_api, subject_id=contact, until="2000-01-01")["items"] == []

    first = events(admin_api, subject_id=contact, limit=1)
    second = events(admin_api, subject_id=contact, limit=1, cursor=first["next_cursor"])
    assert first["items"][0]["chain_seq"] > second["items"][0]["chain_seq"]

    # Each search is itself in the log, with its filters.
    searches = events(admin_api, action="audit.searched", limit=3)["items"]
    assert searches[0]["details"]["filters"] == {"subject_id": contact}
    assert searches[0]["details"]["cursor"] == first["next_cursor"]


def test_g2_the_csv_export_has_every_event_and_is_itself_audited(system, admin_api):
    contact = admin_api.post("/api/v1/contacts", json={"first_name": "Eero", "last_name": "Eskola"}).json()[
        "id"
    ]
    wait_for(lambda: events(admin_api, subject_id=contact), lambda page: page["items"])

    response = admin_api.get("/api/v1/audit/events.csv", params={"subject_id": contact})
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["X-Piiri-Truncated"] == "false"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    created = [row for row in rows if row["action"] == "contact.created"]
    assert len(created) == 1
    assert created[0]["subject_ids"] == contact and created[0]["actor_username"] == "admin"
    assert "first_name" in created[0]["fields"].split()

    exported = events(admin_api, action="audit.exported")["items"]
    assert exported[0]["details"]["filters"] == {"subject_id": contact}
    assert exported[0]["details"]["returned"] == len(rows)


def test_s2_the_chain_check_through_the_api(system, admin_api):
    contact = admin_api.post("/api/v1/contacts", json={"first_name": "Kaisa", "last_name": "Kivi"}).json()[
        "id"
    ]
    wait_for(lambda: events(admin_api, subject_id=contact), lambda page: page["items"])
    response = admin_api.get("/api/v1/audit/verify")
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["intact"] is True and report["problems"] == 0 and report["findings"] == []
    assert report["records"] >= 1 and report["last_seq"] == report["records"]


def test_g2_every_audit_route_needs_login_and_audit_view(system, admin_api):
    system.create_user("lukija", PASSWORD, role="read_only")
    system.create_user("staffer", PASSWORD, role="staff")
    reader = system.api(system.token("lukija", PASSWORD))
    staff = system.api(system.token("staffer", PASSWORD))
    for path in ("/api/v1/audit/events", "/api/v1/audit/events.csv", "/api/v1/audit/verify"):
        assert requests.get(system.base_url + path).status_code == 401, path
        denied = reader.get(path)
        assert denied.status_code == 403, path
        assert denied.json()["details"] == {"permission": "audit.view"}
    for page in ("/audit", "/audit/events.csv", "/audit/users/x", "/audit/contacts/x"):
        response = requests.get(system.base_url + page, allow_redirects=False)
        assert response.status_code == 303 and response.headers["Location"].startswith("/login?"), page
    assert staff.get("/api/v1/audit/events").status_code == 200
    refused = staff.get("/api/v1/audit/verify")  # walking the whole chain is for administrators
    assert refused.status_code == 403 and refused.json()["details"] == {"permission": "users.manage"}


def test_g2_bad_filters_are_refused_by_name(system, admin_api):
    for params, name in (
        ({"colour": "red"}, "colour"),
        ({"since": "eilen"}, "since"),
        ({"limit": "0"}, "limit"),
    ):
        response = admin_api.get("/api/v1/audit/events", params=params)
        assert response.status_code == 422, response.text
        assert name in response.json()["details"]
    assert admin_api.get("/api/v1/audit/events.csv", params={"colour": "red"}).status_code == 422


def test_g2_the_audit_routes_are_in_the_openapi_document(system):
    paths = requests.get(system.base_url + "/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/audit/events", "/api/v1/audit/events.csv", "/api/v1/audit/verify"} <= set(paths)
    names = {parameter["name"] for parameter in paths["/api/v1/audit/events"]["get"]["parameters"]}
    assert {
        "actor",
        "action",
        "service",
        "subject_type",
        "subject_id",
        "since",
        "until",
        "request_id",
    } <= names
