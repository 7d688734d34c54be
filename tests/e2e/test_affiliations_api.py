"""C2 person-organisation links and contact photos end to end through /api/v1: link, page the
organisation's people, change, filter the list, remove; the photo's round trip with real PNG bytes;
refusals (401, 403, 404, 409, 422) and the OpenAPI document."""

import uuid

import requests

from tests.e2e.test_api import wait_for_trail
from tests.integration.test_affiliations import PNG


def make(api, **fields):
    response = api.post("/api/v1/contacts", json=fields)
    assert response.status_code == 201, response.text
    return response.json()


def test_c2_link_people_to_an_organisation_through_the_api(admin_api):
    """C2: link two people (board member, employee), page the organisation's people, filter the list
    by organisation and role, change and remove a link; the audit trail has each step."""
    acme = make(admin_api, kind="organisation", organisation_name="Acme Oy")
    anna = make(admin_api, first_name="Anna", last_name="Aalto")
    eero = make(admin_api, first_name="Eero", last_name="Berg")
    url = f"/api/v1/contacts/{anna['id']}/organisations"
    added = admin_api.post(
        url, json={"organisation_id": acme["id"], "role": "board_member", "is_primary": True}
    )
    assert added.status_code == 201, added.text
    link = added.json()
    assert (link["organisation_name"], link["role"], link["is_primary"]) == ("Acme Oy", "board_member", True)
    second = admin_api.post(
        f"/api/v1/contacts/{eero['id']}/organisations",
        json={"organisation_id": acme["id"], "role": "employee"},
    )
    assert second.status_code == 201, second.text

    people = f"/api/v1/contacts/{acme['id']}/people"
    first = admin_api.get(people, params={"limit": 1}).json()
    assert [item["person_name"] for item in first["items"]] == ["Anna Aalto"]
    rest = admin_api.get(people, params={"limit": 1, "cursor": first["next_cursor"]}).json()
    assert [item["person_name"] for item in rest["items"]] == ["Eero Berg"] and rest["next_cursor"] is None
    board = admin_api.get(people, params={"role": "board_member"}).json()["items"]
    assert [item["person_id"] for item in board] == [anna["id"]]
    assert admin_api.get(url).json()["items"][0]["id"] == link["id"]
    part = admin_api.get(f"/api/v1/contacts/{acme['id']}").json()["affiliations"]["people"]
    assert part["count"] == 2

    listed = admin_api.get(
        "/api/v1/contacts", params={"organisation_id": acme["id"], "organisation_role": "employee"}
    )
    assert [item["id"] for item in listed.json()["items"]] == [eero["id"]]

    changed = admin_api.patch(f"/api/v1/affiliations/{link['id']}", json={"role": "chair", "title": "PJ"})
    assert changed.status_code == 200 and changed.json()["role"] == "chair"
    removed = admin_api.delete(f"/api/v1/affiliations/{second.json()['id']}")
    assert removed.status_code == 200
    assert admin_api.get(people).json()["items"][0]["role"] == "chair"
    actions = {"contact.affiliation_added", "contact.affiliation_changed", "contact.affiliations_listed"}
    trail = wait_for_trail(admin_api, acme["id"], actions)
    assert actions <= {item["action"] for item in trail}


def test_c2_refusals_through_the_api(system, admin_api):
    """C2: 422 for bad fields, kinds, dates and bodies; 409 for a duplicate; 404 for unknown ids; 403
    without the edit permission; 401 without a token. Nothing is written by a refused call."""
    acme = make(admin_api, kind="organisation", organisation_name="Acme Oy")
    anna = make(admin_api, first_name="Anna", last_name="Aalto")
    url = f"/api/v1/contacts/{anna['id']}/organisations"
    bad = admin_api.post(url, json={"organisation_id": acme["id"], "role": "boss", "ends_on": "x"})
    assert bad.status_code == 422 and set(bad.json()["details"]) == {"role", "ends_on"}
    wrong_kind = admin_api.post(
        f"/api/v1/contacts/{acme['id']}/organisations", json={"organisation_id": anna["id"], "role": "member"}
    )
    assert wrong_kind.status_code == 422 and set(wrong_kind.json()["details"]) == {
        "person_id",
        "organisation_id",
    }
    dates = admin_api.post(
        url,
        json={
            "organisation_id": acme["id"],
            "role": "member",
            "starts_on": "2026-02-01",
            "ends_on": "2026-01-01",
        },
    )
    assert dates.status_code == 422 and "ends_on" in dates.json()["details"]
    not_json = admin_api.post(url, data="role=member", headers={"Content-Type": "text/plain"})
    assert not_json.status_code == 422 and not_json.json()["details"] == {"_body": ["request.json_object"]}
    assert admin_api.get(url).json()["items"] == []

    assert admin_api.post(url, json={"organisation_id": acme["id"], "role": "member"}).status_code == 201
    again = admin_api.post(url, json={"organisation_id": acme["id"], "role": "member"})
    assert again.status_code == 409 and again.json()["error"] == "conflict"

    unknown = str(uuid.uuid4())
    assert admin_api.post(url, json={"organisation_id": unknown, "role": "member"}).status_code == 404
    assert admin_api.patch(f"/api/v1/affiliations/{unknown}", json={"title": "x"}).status_code == 404
    assert admin_api.delete(f"/api/v1/affiliations/{unknown}").status_code == 404
    assert admin_api.get(f"/api/v1/contacts/{unknown}/people").status_code == 404
    assert admin_api.get(f"/api/v1/contacts/{unknown}/photo").status_code == 404
    assert admin_api.get(f"/api/v1/contacts/{acme['id']}/people", params={"cursor": "bad"}).status_code == 422
    assert admin_api.get("/api/v1/contacts", params={"organisation_id": "nope"}).status_code == 422

    system.create_user("lukija", "read only password", role="read_only")
    reader = system.api(system.token("lukija", "read only password"))
    assert reader.get(f"/api/v1/contacts/{acme['id']}/people").status_code == 200
    refused = reader.post(url, json={"organisation_id": acme["id"], "role": "employee"})
    assert refused.status_code == 403 and refused.json()["error"] == "permission_denied"
    assert (
        reader.put(
            f"/api/v1/contacts/{anna['id']}/photo", data=PNG, headers={"Content-Type": "image/png"}
        ).status_code
        == 403
    )
    assert len(admin_api.get(url).json()["items"]) == 1
    assert requests.get(f"{system.base_url}{url}").status_code == 401


def test_c2_photo_round_trip_through_the_api(system, admin_api):
    """C2: PUT raw PNG bytes (declared wrongly: the bytes decide), GET them back unchanged with the
    image type and no caching, multipart PUT, refusals, DELETE; reading it is in the audit trail."""
    anna = make(admin_api, first_name="Anna", last_name="Aalto")
    url = f"/api/v1/contacts/{anna['id']}/photo"
    stored = admin_api.put(url, data=PNG, headers={"Content-Type": "image/jpeg"})
    assert stored.status_code == 200, stored.text
    assert stored.json()["content_type"] == "image/png" and stored.json()["size"] == len(PNG)
    got = admin_api.get(url)
    assert got.status_code == 200 and got.content == PNG
    assert got.headers["Content-Type"] == "image/png"
    assert got.headers["Cache-Control"] == "private, no-store"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert admin_api.get(f"/api/v1/contacts/{anna['id']}").json()["photo"]["size"] == len(PNG)

    webp = (
        b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
    )
    multipart = admin_api.put(url, files={"photo": ("me.webp", webp, "image/webp")})
    assert multipart.status_code == 200, multipart.text
    assert admin_api.get(url).content == webp

    gif = admin_api.put(url, data=b"GIF89a" + b"\0" * 40, headers={"Content-Type": "image/gif"})
    assert gif.status_code == 422 and gif.json()["code"] == "err.photo_type"
    assert gif.json()["details"]["photo"] == ["err.photo_type"] and "WebP" in gif.json()["message"]
    too_big = admin_api.put(
        url, data=PNG + b"\0" * (2 * 1024 * 1024 + 70_000), headers={"Content-Type": "image/png"}
    )
    assert too_big.status_code == 422 and too_big.json()["code"] == "err.photo_too_big"
    no_file = admin_api.put(url, files={"other": ("", b"", "application/octet-stream")})
    assert no_file.status_code == 422
    assert admin_api.get(url).content == webp

    assert admin_api.delete(url).status_code == 200
    assert admin_api.get(url).status_code == 404
    assert admin_api.delete(url).status_code == 404
    trail = wait_for_trail(admin_api, anna["id"], {"contact.photo_viewed", "contact.photo_removed"})
    assert {"contact.photo_changed", "contact.photo_viewed", "contact.photo_removed"} <= {
        item["action"] for item in trail
    }


def test_c2_paths_and_filters_are_in_the_openapi_document(system):
    """C2 in the OpenAPI document (X2)."""
    document = requests.get(f"{system.base_url}/api/v1/openapi.json").json()
    paths = document["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/contacts/{contact_id}/organisations"])
    assert {"patch", "delete"} <= set(paths["/api/v1/affiliations/{affiliation_id}"])
    assert {"get", "put", "delete"} <= set(paths["/api/v1/contacts/{contact_id}/photo"])
    people = {
        parameter["name"] for parameter in paths["/api/v1/contacts/{contact_id}/people"]["get"]["parameters"]
    }
    assert {"limit", "cursor", "role", "include_ended"} <= people
    names = {parameter["name"] for parameter in paths["/api/v1/contacts"]["get"]["parameters"]}
    assert {"organisation_id", "organisation_role"} <= names
    assert "Affiliation" in document["components"]["schemas"]
