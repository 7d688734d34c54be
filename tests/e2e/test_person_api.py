"""Person details end to end through /api/v1: alternative names (C12), statuses (C9), deceased (C14),
couples (C10), their list filters, audit trail and errors."""

from datetime import timedelta

import requests

from piiri import clock
from tests.e2e.test_api import wait_for_trail
from tests.integration.test_person import seed_status_kinds


def make(api, first, last, **more):
    response = api.post("/api/v1/contacts", json={"first_name": first, "last_name": last, **more})
    assert response.status_code == 201, response.text
    return response.json()


def listed(api, **params):
    response = api.get("/api/v1/contacts", params=params)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_c12_c14_names_and_death_mark_through_the_api(admin_api, clean_databases):
    """C12 and C14: names found by search; † data in the list; deceased filter; audit trail."""
    olga = make(admin_api, "Olga", "Ivanova")
    url = f"/api/v1/contacts/{olga['id']}"
    added = admin_api.post(f"{url}/names", json={"kind": "native", "script": "Cyrl", "last_name": "Иванова"})
    assert added.status_code == 201, added.text
    assert [item["id"] for item in listed(admin_api, q="иванова")] == [olga["id"]]
    assert admin_api.get(f"{url}/names").json()["items"][0]["last_name"] == "Иванова"
    bad = admin_api.post(f"{url}/names", json={"kind": "alias"})
    assert bad.status_code == 422 and set(bad.json()["details"]) == {"kind", "last_name"}
    removed = admin_api.delete(f"{url}/names/{added.json()['id']}")
    assert removed.status_code == 200
    assert admin_api.delete(f"{url}/names/{added.json()['id']}").status_code == 404

    marked = admin_api.post(f"{url}/deceased", json={"deceased_on": "2026-11-01"})
    assert marked.json() == {"contact_id": olga["id"], "deceased_on": "2026-11-01"}
    assert admin_api.get(url).json()["deceased_on"] == "2026-11-01"
    assert listed(admin_api, q="ivanova")[0]["deceased_on"] == "2026-11-01"
    assert listed(admin_api, q="ivanova", deceased="exclude") == []
    bad = admin_api.post(f"{url}/deceased", json={"deceased_on": "2999-01-01"})
    assert bad.status_code == 422 and "deceased_on" in bad.json()["details"]
    assert admin_api.get("/api/v1/contacts", params={"deceased": "perhaps"}).status_code == 422
    assert admin_api.delete(f"{url}/deceased").json()["deceased_on"] is None
    actions = {"contact.name_added", "contact.marked_deceased", "contact.unmarked_deceased"}
    trail = wait_for_trail(admin_api, olga["id"], actions)
    assert actions <= {item["action"] for item in trail}


def test_c9_statuses_and_kinds_through_the_api(system, admin_api, clean_databases):
    """C9: add, list, end and remove statuses; the list badge data and filters; kinds need users.manage."""
    seed_status_kinds(clean_databases)
    anna = make(admin_api, "Anna", "Lahtinen")
    url = f"/api/v1/contacts/{anna['id']}/statuses"
    added = admin_api.post(url, json={"kind": "abroad", "starts_on": str(clock.today() - timedelta(days=1))})
    assert added.status_code == 201, added.text
    assert added.json()["active"] is True
    assert listed(admin_api, q="lahtinen")[0]["active_statuses"] == ["abroad"]
    assert listed(admin_api, q="lahtinen", exclude_active_status="any") == []
    assert len(listed(admin_api, q="lahtinen", with_active_status="abroad")) == 1
    status_url = f"{url}/{added.json()['id']}"
    too_early = admin_api.patch(status_url, json={"ends_on": str(clock.today() - timedelta(days=5))})
    assert too_early.status_code == 422 and "ends_on" in too_early.json()["details"]
    ended = admin_api.patch(status_url, json={"ends_on": str(clock.today() - timedelta(days=1))})
    assert ended.json()["active"] is False
    assert listed(admin_api, q="lahtinen")[0]["active_statuses"] == []
    assert admin_api.delete(status_url).status_code == 200
    assert admin_api.get(url).json()["items"] == []

    kind = admin_api.post(
        "/api/v1/status-kinds",
        json={"code": "sabbatical", "label_fi": "Vuorotteluvapaa", "label_en": "Sabbatical"},
    )
    assert kind.status_code == 201, kind.text
    assert "sabbatical" in [item["code"] for item in admin_api.get("/api/v1/status-kinds").json()["items"]]
    system.create_user("staffer", "staff password 1", role="staff")
    staff = system.api(system.token("staffer", "staff password 1"))
    refused = staff.post("/api/v1/status-kinds", json={"code": "x_kind", "label_fi": "x", "label_en": "x"})
    assert refused.status_code == 403


def test_c10_couples_through_the_api(admin_api):
    """C10: link, address name in the contact's part, clear errors, one_per_couple filter, unlink."""
    anna, matti = make(admin_api, "Anna", "Nieminen"), make(admin_api, "Matti", "Nieminen")
    linked = admin_api.post("/api/v1/couples", json={"contact_ids": [anna["id"], matti["id"]]})
    assert linked.status_code == 201, linked.text
    couple = linked.json()
    assert couple["address_name"]["fi"] in ("Anna ja Matti Nieminen", "Matti ja Anna Nieminen")
    part = admin_api.get(f"/api/v1/contacts/{anna['id']}").json()["person"]["couple"]
    assert part["partner"]["id"] == matti["id"]
    assert len(listed(admin_api, q="nieminen", one_per_couple="true")) == 1
    again = admin_api.post("/api/v1/couples", json={"contact_ids": [anna["id"], matti["id"]]})
    assert again.status_code == 409
    self_couple = admin_api.post("/api/v1/couples", json={"contact_ids": [anna["id"], anna["id"]]})
    assert self_couple.status_code == 422 and "contact_ids" in self_couple.json()["details"]
    assert admin_api.delete(f"/api/v1/couples/{couple['id']}").status_code == 200
    assert admin_api.delete(f"/api/v1/couples/{couple['id']}").status_code == 404
    assert len(listed(admin_api, q="nieminen", one_per_couple="true")) == 2


def test_person_paths_and_filters_are_in_the_openapi_document(system):
    """C9, C10, C12, C14 in the OpenAPI document (X2)."""
    document = requests.get(f"{system.base_url}/api/v1/openapi.json").json()
    for path in ("/api/v1/contacts/{contact_id}/names", "/api/v1/status-kinds", "/api/v1/couples"):
        assert path in document["paths"]
    names = {parameter["name"] for parameter in document["paths"]["/api/v1/contacts"]["get"]["parameters"]}
    assert {"deceased", "with_active_status", "exclude_active_status", "one_per_couple"} <= names
