"""End to end through POST /api/v1/contacts:search and :search-count (C4): AND/OR/NOT expressions,
sorting, keyset paging, counts, clear errors naming the node, permissions, and the OpenAPI document."""

import requests

PEOPLE = (
    ("Aino", "Aalto", "Helsinki", "1980-05-01"),
    ("Bruno", "Berg", "Espoo", "1975-02-10"),
    ("Celia", "Castrén", "Tampere", "1990-07-07"),
    ("Dora", "Dahl", "espoo", "1999-01-01"),
)


def test_c4_advanced_search_through_the_api(admin_api):
    for first, last, city, born in PEOPLE:
        created = admin_api.post(
            "/api/v1/contacts",
            json={"first_name": first, "last_name": last, "city": city, "birth_date": born},
        )
        assert created.status_code == 201, created.text
    expression = {
        "and": [
            {"or": [{"filter": "city", "value": "Helsinki"}, {"filter": "city", "value": "Espoo"}]},
            {"not": {"text": "berg"}},
        ]
    }
    page = admin_api.post("/api/v1/contacts:search", json={"expression": expression, "sort": "birth_date"})
    assert page.status_code == 200, page.text
    assert [item["display_name"] for item in page.json()["items"]] == ["Aino Aalto", "Dora Dahl"]

    first = admin_api.post(
        "/api/v1/contacts:search",
        json={"expression": expression, "sort": "birth_date", "direction": "desc", "limit": 1},
    ).json()
    assert [item["display_name"] for item in first["items"]] == ["Dora Dahl"]
    second = admin_api.post(
        "/api/v1/contacts:search",
        json={
            "expression": expression,
            "sort": "birth_date",
            "direction": "desc",
            "limit": 1,
            "cursor": first["next_cursor"],
        },
    ).json()
    assert [item["display_name"] for item in second["items"]] == ["Aino Aalto"] and second[
        "next_cursor"
    ] is None
    other_sort = admin_api.post(
        "/api/v1/contacts:search",
        json={"expression": expression, "sort": "name", "cursor": first["next_cursor"]},
    )
    assert other_sort.status_code == 422 and "cursor" in other_sort.json()["details"]

    count = admin_api.post("/api/v1/contacts:search-count", json={"expression": expression})
    assert count.status_code == 200 and count.json() == {"count": 2, "exact": True}
    # the new filters also work on the plain list (filters.py registry)
    listed = admin_api.get("/api/v1/contacts", params={"city": "ESPOO", "born_from": "1.1.1990"}).json()
    assert [item["display_name"] for item in listed["items"]] == ["Dora Dahl"]


def test_c4_bad_advanced_searches_get_clear_errors(admin_api):
    for body, field in (
        (
            {"expression": {"and": [{"text": "a"}, {"filter": "colour", "value": "red"}]}},
            "expression.and[1].filter",
        ),
        ({"expression": {"filter": "age_min", "value": "old"}}, "expression.value"),
        ({"expression": {"or": []}}, "expression.or"),
        ({"expression": {"text": "a"}, "sort": "colour"}, "sort"),
        ({"expression": {"text": "a"}, "limit": 1000}, "limit"),
        ({}, "expression"),
    ):
        response = admin_api.post("/api/v1/contacts:search", json=body)
        assert response.status_code == 422, (body, response.text)
        assert field in response.json()["details"], response.text
    assert admin_api.post("/api/v1/contacts:search", data="x").status_code == 422
    bad_count = admin_api.post("/api/v1/contacts:search-count", json={"expression": {"not": 1}})
    assert bad_count.status_code == 422 and "expression.not" in bad_count.json()["details"]


def test_c4_advanced_search_needs_a_login(system):
    response = requests.post(f"{system.base_url}/api/v1/contacts:search", json={"expression": {"text": "a"}})
    assert response.status_code == 401


def test_c4_advanced_search_routes_are_in_the_openapi_document(system):
    document = requests.get(f"{system.base_url}/api/v1/openapi.json").json()
    assert "post" in document["paths"]["/api/v1/contacts:search"]
    assert "post" in document["paths"]["/api/v1/contacts:search-count"]
    schemas = document["components"]["schemas"]
    assert {"SearchExpression", "AdvancedSearchRequest", "AdvancedCount"} <= set(schemas)
    assert len(schemas["SearchExpression"]["oneOf"]) == 5
