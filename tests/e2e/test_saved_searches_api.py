"""End to end through /api/v1/saved-searches and /api/v1/contacts:count (C4): save, list, share,
rename, run and delete saved searches; result counts; permissions and clear errors; OpenAPI."""

PASSWORD = "tallennettu haku 2026"


def staff(system, username):
    system.create_user(username, PASSWORD, role="staff")
    return system.api(system.token(username, PASSWORD))


def test_c4_saved_searches_and_counts_through_the_api(system, admin_api):
    for first, last in (("Anna", "Virtanen"), ("Matti", "Virtanen"), ("Liisa", "Aho")):
        assert admin_api.post("/api/v1/contacts", json={"first_name": first, "last_name": last}).ok
    maija, pekka = staff(system, "maija"), staff(system, "pekka")

    created = maija.post(
        "/api/v1/saved-searches",
        json={"name": "Virtaset", "query": "virtanen", "filters": {"deceased": "exclude"}, "shared": True},
    )
    assert created.status_code == 201, created.text
    search = created.json()
    assert created.headers["Location"] == f"/api/v1/saved-searches/{search['id']}"
    assert (search["owner_name"], search["shared"], search["filters"]) == (
        "maija",
        True,
        {"deceased": "exclude"},
    )
    private = maija.post("/api/v1/saved-searches", json={"name": "Omat", "query": "aho"}).json()

    listed = pekka.get("/api/v1/saved-searches").json()["items"]
    assert [(item["name"], item["mine"]) for item in listed] == [("Virtaset", False)]
    assert pekka.get(f"/api/v1/saved-searches/{private['id']}").status_code == 404
    assert pekka.get(f"/api/v1/saved-searches/{private['id']}/contacts").status_code == 404
    assert pekka.patch(f"/api/v1/saved-searches/{search['id']}", json={"name": "X"}).status_code == 403
    assert pekka.delete(f"/api/v1/saved-searches/{search['id']}").status_code == 403

    page = pekka.get(f"/api/v1/saved-searches/{search['id']}/contacts", params={"limit": 1})
    assert page.status_code == 200, page.text
    page = page.json()
    assert [item["display_name"] for item in page["items"]] == ["Anna Virtanen"]
    rest = pekka.get(
        f"/api/v1/saved-searches/{search['id']}/contacts", params={"cursor": page["next_cursor"]}
    ).json()
    assert [item["display_name"] for item in rest["items"]] == ["Matti Virtanen"]

    count = pekka.get("/api/v1/contacts:count", params={"q": "virtanen", "deceased": "exclude"})
    assert count.status_code == 200, count.text
    assert count.json() == {"count": 2, "exact": True, "match": "exact"}
    assert pekka.get("/api/v1/contacts:count").json()["count"] == 3
    unknown = pekka.get("/api/v1/contacts:count", params={"colour": "red"})
    assert unknown.status_code == 422 and "colour" in unknown.json()["details"]

    renamed = maija.patch(f"/api/v1/saved-searches/{search['id']}", json={"name": "Elävät Virtaset"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Elävät Virtaset"
    unshared = admin_api.patch(f"/api/v1/saved-searches/{search['id']}", json={"shared": False})
    assert unshared.status_code == 200 and unshared.json()["shared"] is False  # users.manage may
    assert pekka.get(f"/api/v1/saved-searches/{search['id']}").status_code == 404

    assert maija.delete(f"/api/v1/saved-searches/{search['id']}").json() == {
        "id": search["id"],
        "deleted": True,
    }
    assert maija.get(f"/api/v1/saved-searches/{search['id']}").status_code == 404


def test_c4_bad_saved_searches_get_clear_errors(system):
    maija = staff(system, "maija")
    assert maija.post("/api/v1/saved-searches", json={"name": "Hallitus"}).status_code == 201
    duplicate = maija.post("/api/v1/saved-searches", json={"name": "hallitus"})
    assert duplicate.status_code == 409 and "name" in duplicate.json()["details"]
    for body, field in (
        ({"name": ""}, "name"),
        ({"name": "Pitkä", "query": "a" * 501}, "query"),
        ({"name": "Tuntematon", "filters": {"colour": "red"}}, "filters"),
        ({"name": "Huono", "filters": {"deceased": "sometimes"}}, "filters"),
        ({"name": "Ylimääräinen", "owner_id": "someone"}, "owner_id"),
    ):
        response = maija.post("/api/v1/saved-searches", json=body)
        assert response.status_code == 422, (body, response.text)
        assert field in response.json()["details"], response.text
    assert maija.post("/api/v1/saved-searches", data="name").status_code == 422
    assert len(maija.get("/api/v1/saved-searches").json()["items"]) == 1
    assert maija.get("/api/v1/saved-searches/nope").status_code == 404


def test_c4_saved_search_routes_are_in_the_openapi_document(system):
    import requests

    document = requests.get(f"{system.base_url}/api/v1/openapi.json").json()
    paths = document["paths"]
    assert set(paths["/api/v1/saved-searches"]) == {"get", "post"}
    assert set(paths["/api/v1/saved-searches/{search_id}"]) == {"get", "patch", "delete"}
    assert "get" in paths["/api/v1/saved-searches/{search_id}/contacts"]
    assert "get" in paths["/api/v1/contacts:count"]
    assert {"SavedSearch", "SavedSearchInput", "ContactCount"} <= set(document["components"]["schemas"])
