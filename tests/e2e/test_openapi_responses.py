"""issue 11 item 4 / X2: real answers of the running gateway match the response schemas of the generated
OpenAPI document (jsonschema on the converted schemas): token, contact create, get, change and search,
and an error."""

import jsonschema
import pytest
import requests

from gateway.tests.openapi_check import assert_matches, response_schema
from tests.conftest import ADMIN_PASSWORD

ANNA = {
    "first_name": "Anna",
    "last_name": "Äijälä",
    "email": "anna@example.fi",
    "phone": "040 123 4567",
    "city": "Helsinki",
}


def test_x2_real_responses_match_the_openapi_document(system, admin_api):
    document = requests.get(f"{system.base_url}/api/v1/openapi.json").json()

    token = requests.post(
        f"{system.base_url}/api/v1/auth/token", json={"username": "admin", "password": ADMIN_PASSWORD}
    )
    assert token.status_code == 201, token.text
    assert_matches(document, "/api/v1/auth/token", "post", 201, token.json())

    created = admin_api.post("/api/v1/contacts", json=ANNA)
    assert created.status_code == 201, created.text
    assert_matches(document, "/api/v1/contacts", "post", 201, created.json())
    contact_id = created.json()["id"]

    one = admin_api.get(f"/api/v1/contacts/{contact_id}")
    assert_matches(document, "/api/v1/contacts/{contact_id}", "get", 200, one.json())
    changed = admin_api.patch(f"/api/v1/contacts/{contact_id}", json={"city": "Espoo"})
    assert_matches(document, "/api/v1/contacts/{contact_id}", "patch", 200, changed.json())

    page = admin_api.get("/api/v1/contacts", params={"q": "aijala", "limit": 5})
    assert page.json()["items"], page.text
    assert_matches(document, "/api/v1/contacts", "get", 200, page.json())

    trail = admin_api.get(f"/api/v1/contacts/{contact_id}/audit")
    assert_matches(document, "/api/v1/contacts/{contact_id}/audit", "get", 200, trail.json())

    invalid = admin_api.post("/api/v1/contacts", json={"email": "not an address"})
    assert invalid.status_code == 422
    assert_matches(document, "/api/v1/contacts", "post", 422, invalid.json())

    with pytest.raises(jsonschema.ValidationError):  # the check does see a wrong shape
        assert_matches(document, "/api/v1/contacts/{contact_id}", "get", 200, {"id": 5})


def test_x2_every_list_answer_matches_the_openapi_document(system, admin_api):
    """Every GET /api/v1 route without path parameters, called by an admin: each 200 JSON answer matches
    the schema the document gives it (so a contract schema that drifts from the real answer fails here)."""
    document = requests.get(f"{system.base_url}/api/v1/openapi.json").json()
    admin_api.post("/api/v1/contacts", json=ANNA)
    checked, mismatches = [], []
    for path, item in document["paths"].items():
        operation = item.get("get")
        if "{" in path or path == "/api/v1/openapi.json" or operation is None:
            continue
        ok = operation["responses"].get("200", {}).get("content", {})
        if list(ok) != ["application/json"]:
            continue
        response = admin_api.get(path)
        if response.status_code == 200:
            validator = jsonschema.Draft4Validator(response_schema(document, path, "get", 200))
            mismatches += [
                f"{path}: {error.json_path}: {error.message}"
                for error in validator.iter_errors(response.json())
            ]
            checked.append(path)
    assert mismatches == [], "\n".join(mismatches)
    assert {"/api/v1/contacts", "/api/v1/groups", "/api/v1/me", "/api/v1/users"} <= set(checked)
