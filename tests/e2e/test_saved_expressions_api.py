"""End to end through /api/v1 (C4, C3, C7): saved advanced-search expressions (save, list, run with sort
and paging, edit, share, delete, clear errors that store nothing), unknown custom field keys as a 422
naming the key, group member counts in the tree, and the OpenAPI description of all of it."""

PASSWORD = "tallennettu lauseke 2026"
EXPRESSION = {
    "and": [
        {"text": "virtanen"},
        {"or": [{"filter": "city", "value": "Turku"}, {"filter": "kind", "value": "organisation"}]},
    ]
}


def staff(system, username):
    system.create_user(username, PASSWORD, role="staff")
    return system.api(system.token(username, PASSWORD))


def names(page):
    return [item["display_name"] for item in page["items"]]


def test_c4_saved_expression_through_the_api(system, admin_api):
    for body in (
        {"first_name": "Anna", "last_name": "Virtanen", "city": "Turku"},
        {"first_name": "Matti", "last_name": "Virtanen", "city": "Oulu"},
        {"first_name": "Aino", "last_name": "Virtanen", "city": "Turku"},
        {"first_name": "Liisa", "last_name": "Aho", "city": "Turku"},
    ):
        assert admin_api.post("/api/v1/contacts", json=body).status_code == 201
    maija, pekka = staff(system, "maija-e"), staff(system, "pekka-e")

    created = maija.post("/api/v1/saved-searches", json={"name": "Turun Virtaset", "expression": EXPRESSION})
    assert created.status_code == 201, created.text
    saved = created.json()
    assert (saved["expression"], saved["query"], saved["filters"]) == (EXPRESSION, "", {})
    listed = maija.get("/api/v1/saved-searches").json()["items"]
    assert [(item["name"], item["expression"]) for item in listed] == [("Turun Virtaset", EXPRESSION)]

    direct = maija.post("/api/v1/contacts:search", json={"expression": EXPRESSION}).json()
    run = maija.get(f"/api/v1/saved-searches/{saved['id']}/contacts")
    assert run.status_code == 200, run.text
    assert names(run.json()) == names(direct) == ["Aino Virtanen", "Anna Virtanen"]
    first = maija.get(
        f"/api/v1/saved-searches/{saved['id']}/contacts", params={"limit": 1, "direction": "desc"}
    ).json()
    rest = maija.get(
        f"/api/v1/saved-searches/{saved['id']}/contacts",
        params={"direction": "desc", "cursor": first["next_cursor"]},
    ).json()
    assert names(first) + names(rest) == ["Anna Virtanen", "Aino Virtanen"]
    wrong = maija.get(f"/api/v1/saved-searches/{saved['id']}/contacts", params={"sort": "shoe_size"})
    assert wrong.status_code == 422 and "sort" in wrong.json()["details"]

    assert pekka.get(f"/api/v1/saved-searches/{saved['id']}/contacts").status_code == 404  # private
    assert maija.patch(f"/api/v1/saved-searches/{saved['id']}", json={"shared": True}).status_code == 200
    narrower = {"and": [{"text": "virtanen"}, {"not": {"filter": "city", "value": "Turku"}}]}
    changed = maija.patch(f"/api/v1/saved-searches/{saved['id']}", json={"expression": narrower})
    assert changed.status_code == 200 and changed.json()["expression"] == narrower
    assert names(pekka.get(f"/api/v1/saved-searches/{saved['id']}/contacts").json()) == ["Matti Virtanen"]
    assert (
        pekka.patch(f"/api/v1/saved-searches/{saved['id']}", json={"expression": EXPRESSION}).status_code
        == 403
    )
    assert maija.delete(f"/api/v1/saved-searches/{saved['id']}").status_code == 200
    assert maija.get("/api/v1/saved-searches").json()["items"] == []


def test_c4_c3_bad_expressions_and_unknown_custom_keys_are_422_and_store_nothing(system, admin_api):
    maija = staff(system, "maija-f")
    for body, field in (
        (
            {"name": "A", "expression": {"and": [{"filter": "colour", "value": "red"}]}},
            "expression.and[0].filter",
        ),
        ({"name": "B", "expression": {"or": []}}, "expression.or"),
        ({"name": "C", "expression": {"filter": "custom.nope", "value": "1"}}, "expression.filter"),
        ({"name": "D", "query": "aho", "expression": {"text": "aho"}}, "expression"),
        ({"name": "E", "expression": "virtanen"}, "expression"),
        ({"name": "F", "filters": {"custom.nope": "1"}}, "filters"),
    ):
        response = maija.post("/api/v1/saved-searches", json=body)
        assert response.status_code == 422, (body, response.text)
        assert field in response.json()["details"], response.text
    assert maija.get("/api/v1/saved-searches").json()["items"] == []

    listed = maija.get("/api/v1/contacts", params={"custom.nope": "1"})
    assert listed.status_code == 422
    assert listed.json()["message"] == "No custom field 'nope'."
    assert listed.json()["details"] == {"custom.nope": ["No custom field 'nope'."]}
    advanced = maija.post(
        "/api/v1/contacts:search", json={"expression": {"not": {"filter": "custom.nope__gte", "value": "1"}}}
    )
    assert advanced.status_code == 422
    assert advanced.json()["details"] == {"expression.not.filter": ["No custom field 'nope'."]}


def test_c7_tree_counts_through_the_api(system, admin_api):
    root = admin_api.post("/api/v1/groups", json={"name": "Liitto"}).json()
    sub = admin_api.post("/api/v1/groups", json={"name": "Jaosto", "parent_id": root["id"]}).json()
    ids = [
        admin_api.post("/api/v1/contacts", json={"first_name": "T", "last_name": name}).json()["id"]
        for name in ("Yksi", "Kaksi")
    ]
    assert admin_api.post(f"/api/v1/groups/{root['id']}/members", json={"contact_ids": ids[:1]}).ok
    assert admin_api.post(f"/api/v1/groups/{sub['id']}/members", json={"contact_ids": ids}).ok
    tree = {item["name"]: item for item in admin_api.get("/api/v1/groups").json()["items"]}
    assert (tree["Liitto"]["direct_members"], tree["Liitto"]["all_members"]) == (1, 2)
    assert (tree["Jaosto"]["direct_members"], tree["Jaosto"]["all_members"]) == (2, 2)
    removed = admin_api.post(f"/api/v1/groups/{sub['id']}/members:remove", json={"contact_ids": ids[1:]})
    assert removed.ok, removed.text
    one = admin_api.get(f"/api/v1/groups/{root['id']}").json()
    assert (one["direct_members"], one["all_members"]) == (1, 1)
    top = admin_api.get("/api/v1/groups", params={"max_depth": "0"}).json()["items"]
    assert [(item["name"], item["more_subgroups"], item["all_members"]) for item in top] == [("Liitto", 1, 1)]
    bad = admin_api.get("/api/v1/groups", params={"max_depth": "x"})
    assert bad.status_code == 422 and "max_depth" in bad.json()["details"]


def test_c4_saved_expression_in_the_openapi_document(system):
    import requests

    document = requests.get(f"{system.base_url}/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert "expression" in schemas["SavedSearchInput"]["properties"]
    assert "expression" in schemas["SavedSearch"]["properties"]
    run = document["paths"]["/api/v1/saved-searches/{search_id}/contacts"]["get"]
    assert {"sort", "direction"} <= {parameter["name"] for parameter in run["parameters"]}
