"""Group automations through the HTTP API (C8): create, list, get, change, dry run, runs, delete;
loops and bad input refused with named fields; permissions; the OpenAPI document."""

from tests.conftest import ADMIN_PASSWORD
from tests.events import wait_for


def test_c8_automations_over_the_api(system, admin_api):
    """C8: joined A -> add to B set up over the API; a dry run shows A's members; adding to A runs it once
    and the run shows under /runs; B -> A is refused as a loop; PATCH disables; DELETE removes."""
    a = admin_api.post("/api/v1/groups", json={"name": "A"}).json()["id"]
    b = admin_api.post("/api/v1/groups", json={"name": "B"}).json()["id"]
    anna = admin_api.post("/api/v1/contacts", json={"first_name": "Anna", "last_name": "Api"}).json()["id"]
    bertta = admin_api.post("/api/v1/contacts", json={"first_name": "Bertta", "last_name": "Api"}).json()[
        "id"
    ]
    admin_api.post(f"/api/v1/groups/{a}/members", json={"contact_ids": [anna]})
    definition = {
        "name": "A -> B",
        "trigger_type": "member_joined",
        "trigger_config": {"group_id": a},
        "action_type": "add_to_group",
        "action_config": {"group_id": b},
    }
    dry = admin_api.post("/api/v1/automations:dry-run", json=definition)
    assert dry.status_code == 200, dry.text
    assert dry.json()["count"] == 1 and dry.json()["items"][0]["id"] == anna

    created = admin_api.post("/api/v1/automations", json=definition)
    assert created.status_code == 201, created.text
    automation = created.json()
    assert created.headers["Location"] == f"/api/v1/automations/{automation['id']}"
    assert admin_api.get("/api/v1/automations").json()["items"][0]["id"] == automation["id"]
    again = admin_api.post("/api/v1/automations:dry-run", json={"automation_id": automation["id"]})
    assert again.json()["count"] == 1

    loop = admin_api.post(
        "/api/v1/automations",
        json={
            **definition,
            "name": "B -> A",
            "trigger_config": {"group_id": b},
            "action_config": {"group_id": a},
        },
    )
    assert loop.status_code == 422 and loop.json()["code"] == "au.err_loop"
    assert "'B -> A'" in loop.json()["params"]["names"] and "'B -> A'" in loop.json()["message"]
    bad = admin_api.post("/api/v1/automations", json={**definition, "action_type": "explode"})
    assert bad.status_code == 422 and "action_type" in bad.json()["details"]
    assert len(admin_api.get("/api/v1/automations").json()["items"]) == 1

    admin_api.post(f"/api/v1/groups/{a}/members", json={"contact_ids": [bertta]})
    runs = wait_for(lambda: admin_api.get(f"/api/v1/automations/{automation['id']}/runs").json()["items"], 10)
    assert [(run["contact_id"], run["outcome"]) for run in runs] == [(bertta, "done")]
    members = admin_api.get(f"/api/v1/groups/{b}/members").json()["items"]
    assert [item["id"] for item in members] == [bertta]

    patched = admin_api.patch(f"/api/v1/automations/{automation['id']}", json={"enabled": False})
    assert patched.status_code == 200 and patched.json()["enabled"] is False
    assert admin_api.get(f"/api/v1/automations/{automation['id']}").json()["runs"] == 1
    assert admin_api.delete(f"/api/v1/automations/{automation['id']}").json()["deleted"] is True
    assert admin_api.get(f"/api/v1/automations/{automation['id']}").status_code == 404


def test_c8_staff_cannot_manage_automations_and_openapi_documents_them(system, admin_api):
    """C8: automations.manage is an admin permission; the paths are in the OpenAPI document."""
    system.create_user("staff", ADMIN_PASSWORD, role="staff")
    staff = system.api(system.token("staff", ADMIN_PASSWORD))
    assert staff.get("/api/v1/automations").status_code == 403
    assert staff.post("/api/v1/automations", json={"name": "x"}).status_code == 403
    paths = admin_api.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/automations",
        "/api/v1/automations:dry-run",
        "/api/v1/automations/{automation_id}",
        "/api/v1/automations/{automation_id}/runs",
    ):
        assert path in paths, path
