"""End to end through /api/v1 (C11): duplicates of a contact, the scan and review list, dismissals,
comparison, merge with redirects, permissions, clear errors and the OpenAPI document."""

import requests

PASSWORD = "kuusi kuusta kuusessa"


def create(api, **values):
    response = api.post("/api/v1/contacts", json=values)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_c11_duplicates_compare_and_merge_through_the_api(admin_api):
    one = create(admin_api, first_name="José", last_name="Virtanen", email="jose@example.fi")
    two = create(admin_api, first_name="Jose", last_name="Virtanen", email="jose@example.fi", city="Oulu")
    other = create(admin_api, first_name="Eero", last_name="Eskola", phone="0401234567")
    twin = create(admin_api, first_name="Eero", last_name="Eskola", phone="0401234567")

    found = admin_api.get(f"/api/v1/contacts/{one}/duplicates")
    assert found.status_code == 200, found.text
    assert [item["contact"]["id"] for item in found.json()["items"]] == [two]

    assert admin_api.post("/api/v1/duplicates/scan").status_code == 200
    pairs = admin_api.get("/api/v1/duplicates", params={"limit": 1})
    assert pairs.status_code == 200, pairs.text
    first_page = pairs.json()
    assert len(first_page["items"]) == 1 and first_page["items"][0]["score"] >= 60
    rest = admin_api.get("/api/v1/duplicates", params={"cursor": first_page["next_cursor"]}).json()
    listed = first_page["items"] + rest["items"]
    assert {frozenset((p["contact_a"]["id"], p["contact_b"]["id"])) for p in listed} == {
        frozenset((one, two)),
        frozenset((other, twin)),
    }
    dismissed = admin_api.post("/api/v1/duplicates/dismiss", json={"contact_ids": [other, twin]})
    assert dismissed.status_code == 200, dismissed.text
    assert len(admin_api.get("/api/v1/duplicates").json()["items"]) == 1

    compared = admin_api.get("/api/v1/contacts:compare", params={"ids": f"{one},{two}"})
    assert compared.status_code == 200, compared.text
    assert compared.json()["differs"]["first_name"] and not compared.json()["differs"]["email"]

    merged = admin_api.post(
        "/api/v1/contacts:merge", json={"survivor_id": one, "merged_ids": [two], "chosen": {"city": two}}
    )
    assert merged.status_code == 200, merged.text
    assert merged.json()["contact"]["city"] == "Oulu" and merged.json()["contact"]["first_name"] == "José"
    via_old_id = admin_api.get(f"/api/v1/contacts/{two}").json()
    assert via_old_id["id"] == one and via_old_id["redirected_from"] == two


def test_c11_bad_input_and_permissions(system, admin_api):
    one = create(admin_api, first_name="Anna", last_name="Aho")
    two = create(admin_api, first_name="Anna", last_name="Aho")
    itself = admin_api.post("/api/v1/contacts:merge", json={"survivor_id": one, "merged_ids": [one]})
    assert itself.status_code == 422 and "merged_ids" in itself.json()["details"], itself.text
    bad_choice = admin_api.post(
        "/api/v1/contacts:merge", json={"survivor_id": one, "merged_ids": [two], "chosen": {"city": "x"}}
    )
    assert bad_choice.status_code == 422 and "chosen.city" in bad_choice.json()["details"]
    assert admin_api.get("/api/v1/contacts:compare", params={"ids": one}).status_code == 422
    assert admin_api.get(f"/api/v1/contacts/{two}").json()["id"] == two

    system.create_user("maija", PASSWORD, role="staff")
    staff = system.api(system.token("maija", PASSWORD))
    assert staff.get(f"/api/v1/contacts/{one}/duplicates").status_code == 200
    refused = staff.post("/api/v1/contacts:merge", json={"survivor_id": one, "merged_ids": [two]})
    assert refused.status_code == 403
    assert admin_api.get(f"/api/v1/contacts/{two}").json()["id"] == two


def test_c11_paths_are_in_the_openapi_document(system):
    paths = requests.get(f"{system.base_url}/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/contacts/{contact_id}/duplicates",
        "/api/v1/duplicates",
        "/api/v1/duplicates/dismiss",
        "/api/v1/contacts:compare",
        "/api/v1/contacts:merge",
    ):
        assert path in paths, path
