"""Issue 12 item 7b end to end: the audit trail of a contact in a scoped user's scope shows neither the
contacts outside their scope that the trail's events name nor other users' search words."""

import time

from tests.e2e.test_access_api import PASSWORD, created, setup_world


def scoped_user(system, admin_api, helsinki):
    role = {
        "code": "local_auditor",
        "label_fi": "Paikallinen",
        "label_en": "Local",
        "permissions": ["contacts.view", "contacts.edit", "audit.view"],
    }
    created(admin_api.post("/api/v1/roles", json=role))
    hanna = created(
        admin_api.post(
            "/api/v1/users", json={"username": "hanna", "password": PASSWORD, "role": "local_auditor"}
        )
    )
    created(
        admin_api.post(
            "/api/v1/user-groups",
            json={"name": "Helsinki", "member_ids": [hanna["id"]], "contact_group_ids": [helsinki["id"]]},
        )
    )
    return system.api(system.token("hanna", PASSWORD))


def trail(api, contact_id, wanted):
    deadline = time.monotonic() + 8
    while True:
        page = api.get(f"/api/v1/contacts/{contact_id}/audit", params={"limit": 100})
        assert page.status_code == 200, page.text
        items = page.json()["items"]
        if wanted(items) or time.monotonic() > deadline:
            return items
        time.sleep(0.1)


def listed_by(items, username):
    return [
        item for item in items if item["action"] == "contact.listed" and item["actor"]["username"] == username
    ]


def test_issue12_7b_a_scoped_users_view_of_a_trail_hides_outsiders_and_other_users_search_words(
    system, admin_api
):
    helsinki, _turku, people = setup_world(admin_api)
    # The admin's search lists Inka (in Hanna's scope) with Outi (outside it), with secret search words.
    listed = admin_api.get("/api/v1/contacts", params={"q": "scopetest", "city": ""})
    assert listed.status_code == 200 and len(listed.json()["items"]) == 3
    hanna = scoped_user(system, admin_api, helsinki)
    assert hanna.get("/api/v1/contacts", params={"q": "scopetest inka"}).status_code == 200

    seen_by_admin = trail(admin_api, people["Inka"], lambda items: listed_by(items, "hanna"))
    [admins] = listed_by(seen_by_admin, "admin")
    assert people["Outi"] in admins["subject_ids"] and admins["details"]["query"] == "scopetest"

    seen_by_hanna = trail(hanna, people["Inka"], lambda items: listed_by(items, "hanna"))
    [admins] = listed_by(seen_by_hanna, "admin")
    assert people["Outi"] not in str(seen_by_hanna)
    assert people["Inka"] in admins["subject_ids"] and people["Kalle"] in admins["subject_ids"]
    assert "hidden" in admins["subject_ids"]
    assert "query" not in admins["details"] and "filters" not in admins["details"]
    [own] = listed_by(seen_by_hanna, "hanna")
    assert own["details"]["query"] == "scopetest inka"  # her own search words are hers to see
