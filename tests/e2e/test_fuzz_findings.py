"""Issue 12: what API fuzzing (tests/e2e/test_api_fuzz.py) found, each pinned by a test of its own: a server
error for a JSON body that is not an object, and answers outside the OpenAPI document (undocumented
statuses, fields the response schemas did not list)."""

import requests

from gateway.tests.openapi_check import assert_matches

PASSWORD = "Sumuinen-aamu-2026-löydös"


def document_of(system):
    return requests.get(f"{system.base_url}/api/v1/openapi.json").json()


def responses_of(document, path, method):
    return document["paths"][path][method]["responses"]


def test_issue12_fuzz_starting_an_import_with_a_list_body_is_a_422_not_a_500(system, admin_api):
    uploaded = admin_api.post(
        "/api/v1/imports",
        files={"file": ("jasenet.csv", b"Etunimi;Sukunimi\nAino;Sumu\n", "text/csv")},
    )
    assert uploaded.status_code == 201, uploaded.text
    job = uploaded.json()
    assert_matches(document_of(system), "/api/v1/imports", "post", 201, job)  # 'remembered' was undocumented
    for body in ("[{}, []]", "5", '"all_or_nothing"'):
        response = admin_api.post(
            f"/api/v1/imports/{job['id']}/start", data=body, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 422, response.text
        assert response.json()["details"] == {"_body": ["request.json_object"]}


def test_issue12_fuzz_access_answers_match_their_documented_schemas(system, admin_api):
    document = document_of(system)
    user = admin_api.post("/api/v1/users", json={"username": "sumu", "password": PASSWORD, "role": "staff"})
    assert user.status_code == 201, user.text
    user_id = user.json()["id"]
    got = admin_api.get(f"/api/v1/users/{user_id}")
    assert "roles" in got.json()
    assert_matches(document, "/api/v1/users/{user_id}", "get", 200, got.json())
    changed = admin_api.patch(f"/api/v1/users/{user_id}", json={"display_name": "Sumu"})
    assert_matches(document, "/api/v1/users/{user_id}", "patch", 200, changed.json())

    group = admin_api.post("/api/v1/user-groups", json={"name": "Sumu", "member_ids": [user_id]})
    assert group.status_code == 201, group.text
    assert {"created_at", "members"} <= set(group.json())
    assert_matches(document, "/api/v1/user-groups", "post", 201, group.json())
    assert_matches(document, "/api/v1/user-groups", "get", 200, admin_api.get("/api/v1/user-groups").json())

    token = admin_api.post("/api/v1/api-tokens", json={"name": "sumu", "permissions": ["contacts.view"]})
    assert token.status_code == 201, token.text
    assert {"created_by", "token_type"} <= set(token.json())
    assert_matches(document, "/api/v1/api-tokens", "post", 201, token.json())


def test_issue12_fuzz_error_statuses_are_documented(system, admin_api):
    document = document_of(system)
    wrong = requests.post(f"{system.base_url}/api/v1/auth/token", json={"username": "", "password": "x"})
    assert wrong.status_code == 401
    assert "401" in responses_of(document, "/api/v1/auth/token", "post")
    assert {"423", "429"} <= set(responses_of(document, "/api/v1/account/password", "post"))

    contact = admin_api.post("/api/v1/contacts", json={"first_name": "Aino", "last_name": "Sumu"}).json()
    too_many = admin_api.get(f"/api/v1/contacts/{contact['id']}/audit", params={"limit": 123141727})
    assert too_many.status_code == 422
    [limit] = [
        p
        for p in document["paths"]["/api/v1/contacts/{contact_id}/audit"]["get"]["parameters"]
        if p.get("name") == "limit"
    ]
    assert (limit["schema"]["minimum"], limit["schema"]["maximum"]) == (1, 500)

    # the request guard answers 422 for NUL in any query (and 400/413/414 for bodies and addresses) on every
    # route before it runs: every operation lists them
    nul = admin_api.get("/api/v1/exports/formats", params={"\x00name": "x"})
    assert nul.status_code == 422, nul.text
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert {"400", "413", "414", "422"} <= set(operation["responses"]), f"{method} {path}"
