"""G1 data protection and G5 retention end to end through /api/v1: consents with history, the view, the
consent filter, purposes and retention rules (gdpr.officer), the past-retention list, bulk erasure, the
audit trail, permissions, errors and the OpenAPI document."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from tests.e2e.test_api import wait_for_trail
from tests.integration.test_data_protection import seed_purposes

PASSWORD = "kuusi kuusta kuusessa"


def make(api, first, last, **more):
    response = api.post("/api/v1/contacts", json={"first_name": first, "last_name": last, **more})
    assert response.status_code == 201, response.text
    return response.json()


def test_g1_consents_view_and_filter_through_the_api(system, admin_api, clean_databases):
    """G1: record given/withdrawn, read history and the view, filter the list; reads and writes audited."""
    seed_purposes(clean_databases)
    anna, eero = make(admin_api, "Anna", "Aalto"), make(admin_api, "Eero", "Aalto")
    url = f"/api/v1/contacts/{anna['id']}"
    earlier = (datetime.now(UTC) - timedelta(days=60)).isoformat()
    given = admin_api.post(
        f"{url}/consents",
        json={"purpose": "newsletter", "given": True, "text_version": "v2", "recorded_at": earlier},
    )
    assert given.status_code == 201, given.text
    assert given.json()["source"] == "api" and given.json()["current"] is True
    admin_api.post(f"/api/v1/contacts/{eero['id']}/consents", json={"purpose": "newsletter", "given": False})
    listed = admin_api.get("/api/v1/contacts", params={"q": "aalto", "consent": "newsletter"}).json()["items"]
    assert [item["id"] for item in listed] == [anna["id"]]
    assert admin_api.get("/api/v1/contacts", params={"consent": "Not A Code"}).status_code == 422

    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    bad = admin_api.post(
        f"{url}/consents", json={"purpose": "newsletter", "given": False, "recorded_at": future}
    )
    assert bad.status_code == 422 and "recorded_at" in bad.json()["details"]
    unknown = admin_api.post(f"{url}/consents", json={"purpose": "astrology", "given": True})
    assert unknown.status_code == 422 and unknown.json()["details"] == {"purpose": ["err.dp_unknown_purpose"]}
    history = admin_api.get(f"{url}/consents").json()
    assert [row["text_version"] for row in history["history"]] == ["v2"]

    basis = admin_api.post(f"{url}/legal-bases", json={"purpose": "photos", "basis": "contract"})
    assert basis.status_code == 201, basis.text
    ended = admin_api.post(f"{url}/legal-bases/{basis.json()['id']}/end", json={})
    assert ended.status_code == 200 and ended.json()["ends_on"] is not None
    assert admin_api.get(f"{url}/legal-bases").json()["items"][0]["id"] == basis.json()["id"]

    view = admin_api.get(f"{url}/data-protection")
    assert view.status_code == 200, view.text
    states = {item["purpose"]["code"]: item for item in view.json()["purposes"]}
    assert states["newsletter"]["consent_given"] is True and states["newsletter"]["lawful"] is True
    assert states["photos"]["basis"] == "contract"  # ended today: the end date still counts
    mailing = {item["purpose"]: item["allowed"] for item in view.json()["mailing"]["permissions"]}
    assert mailing["newsletter"] is True and mailing["member_communication"] is True
    assert (
        admin_api.get("/api/v1/contacts/00000000-0000-0000-0000-000000000000/data-protection").status_code
        == 404
    )
    actions = {"contact.consent_given", "contact.legal_basis_added", "contact.data_protection_viewed"}
    trail = wait_for_trail(admin_api, anna["id"], actions)
    assert actions <= {item["action"] for item in trail}

    # Staff may record consents but not manage purposes or retention.
    system.create_user("staffer", PASSWORD, role="staff")
    staff = system.api(system.token("staffer", PASSWORD))
    assert staff.post(f"{url}/consents", json={"purpose": "photos", "given": True}).status_code == 201
    purpose = {"code": "alumni", "label_fi": "Alumnit", "label_en": "Alumni", "legal_basis": "consent"}
    assert staff.post("/api/v1/processing-purposes", json=purpose).status_code == 403
    assert staff.get("/api/v1/retention/past").status_code == 403
    created = admin_api.post("/api/v1/processing-purposes", json=purpose)
    assert created.status_code == 201 and created.json()["builtin"] is False
    assert admin_api.post("/api/v1/processing-purposes", json=purpose).status_code == 409
    changed = admin_api.patch(
        "/api/v1/processing-purposes/alumni", json={"legal_basis": "legitimate_interest"}
    )
    assert changed.json()["legal_basis"] == "legitimate_interest"
    codes = [item["code"] for item in staff.get("/api/v1/processing-purposes").json()["items"]]
    assert "alumni" in codes and "newsletter" in codes


def test_g5_retention_list_and_bulk_erasure_through_the_api(system, admin_api, clean_databases):
    """G5: rules, the past-retention list and count, bulk erasure in batches; a DPO can do it, staff not."""
    seed_purposes(clean_databases)
    old = [make(admin_api, name, "Vanha") for name in ("Aino", "Eino", "Iida")]
    fresh = make(admin_api, "Uuno", "Uusi")
    with clean_databases["contacts"].begin() as conn:
        conn.execute(
            text("UPDATE contacts SET updated_at = '2012-03-04T10:00:00Z' WHERE id = ANY(:ids)"),
            {"ids": [contact["id"] for contact in old]},
        )
    bad = admin_api.post(
        "/api/v1/retention-rules", json={"name": "x", "kind": "inactive", "config": {"years": 0}}
    )
    assert bad.status_code == 422 and "config.years" in bad.json()["details"]
    rule = admin_api.post(
        "/api/v1/retention-rules", json={"name": "Passiiviset", "kind": "inactive", "config": {"years": 5}}
    )
    assert rule.status_code == 201, rule.text
    assert admin_api.get("/api/v1/retention-rules").json()["items"][0]["id"] == rule.json()["id"]

    system.create_user("tietosuoja", PASSWORD, role="dpo")
    dpo = system.api(system.token("tietosuoja", PASSWORD))
    page = dpo.get("/api/v1/retention/past", params={"limit": 2})
    assert page.status_code == 200, page.text
    first = page.json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    assert first["items"][0]["rules"][0]["since"] == "2017-03-04"
    rest = dpo.get("/api/v1/retention/past", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    listed = {item["id"] for item in first["items"] + rest["items"]}
    assert listed == {contact["id"] for contact in old} and fresh["id"] not in listed
    assert dpo.get("/api/v1/retention/past:count").json()["count"] == 3
    assert dpo.get("/api/v1/retention/past", params={"cursor": "junk"}).status_code == 422

    nothing = dpo.post("/api/v1/retention/erasures", json={})
    assert nothing.status_code == 422 and "contact_ids" in nothing.json()["details"]
    batch = dpo.post(
        "/api/v1/retention/erasures", json={"all": True, "batch_size": 2, "reason": "Säilytysaika"}
    )
    assert batch.status_code == 200, batch.text
    assert len(batch.json()["requested"]) == 2 and batch.json()["remaining"] == 1
    last = dpo.post(
        "/api/v1/retention/erasures", json={"all": True, "batch_size": 2, "reason": "Säilytysaika"}
    )
    assert last.json()["remaining"] == 0 and last.json()["done"] is True
    assert dpo.get("/api/v1/retention/past:count").json()["count"] == 0
    assert admin_api.get(f"/api/v1/contacts/{old[0]['id']}").status_code == 404
    assert admin_api.get(f"/api/v1/contacts/{fresh['id']}").status_code == 200
    assert admin_api.delete(f"/api/v1/retention-rules/{rule.json()['id']}").status_code == 200


def test_g1_g5_paths_are_in_the_openapi_document(system):
    import requests

    document = requests.get(f"{system.base_url}/api/v1/openapi.json").json()
    paths = document["paths"]
    for path in (
        "/api/v1/contacts/{contact_id}/data-protection",
        "/api/v1/contacts/{contact_id}/consents",
        "/api/v1/contacts/{contact_id}/legal-bases",
        "/api/v1/contacts/{contact_id}/legal-bases/{basis_id}/end",
        "/api/v1/processing-purposes",
        "/api/v1/processing-purposes/{code}",
        "/api/v1/retention-rules",
        "/api/v1/retention-rules/{rule_id}",
        "/api/v1/retention/past",
        "/api/v1/retention/past:count",
        "/api/v1/retention/erasures",
    ):
        assert path in paths, path
    assert "consent" in {p["name"] for p in paths["/api/v1/contacts"]["get"]["parameters"]}
    assert "DataProtectionView" in document["components"]["schemas"]
