"""End to end through /api/v1 (G3, G4): the access report as JSON and PDF, erasure and its status,
retry, the erasures list, 403 for staff, clear errors, audit records and the OpenAPI document."""

import io
import json

import pypdf

from tests.events import wait_for

PASSWORD = "kuusi kuusta kuusessa"
NAME = "Öhman-Жукова"


def officer(system):
    system.create_user("dpo", PASSWORD, role="dpo")
    return system.api(system.token("dpo", PASSWORD))


def test_g3_access_report_json_and_pdf(system, admin_api):
    created = admin_api.post(
        "/api/v1/contacts", json={"first_name": "Päivi", "last_name": NAME, "email": "paivi@example.fi"}
    )
    assert created.status_code == 201, created.text
    contact_id = created.json()["id"]
    admin_api.get(f"/api/v1/contacts/{contact_id}")
    api = officer(system)

    assert wait_for(  # the records arrive through the broker: wait for the two the report must show
        lambda: (
            {"contact.created", "contact.viewed"}
            <= {e["action"] for e in admin_api.get(f"/api/v1/contacts/{contact_id}/audit").json()["items"]}
        )
    )
    response = api.get(f"/api/v1/contacts/{contact_id}/access-report", params={"format": "json"})
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    assert f"access-report-{contact_id}" in response.headers["Content-Disposition"]
    report = json.loads(response.content)
    assert report["schema_version"] == 1 and report["generated_by"] == "dpo"
    assert report["display_name"] == f"Päivi {NAME}"
    assert set(report["services"]) == {
        "contacts",
        "audit",
        "imports",
        "exports",
        "surveys",
        "mailing",
        "billing",
    }
    assert report["services"]["mailing"] == {
        "mailing_lists": [],
        "mailing_flags": [],
        "mailing_sync_failures": [],
        "mailing_mails": [],  # B3: the transactional mails sent to the person
        "mailing_subscriptions": [],  # M3: subscriptions through a list's form
        "mailing_campaigns": [],  # M1: the campaigns sent to the person (the recipient ledger)
    }
    assert report["services"]["imports"] == {"imports": []} and report["services"]["exports"] == {
        "exports": []
    }
    assert report["services"]["surveys"] == {
        "survey_participants": [],
        "survey_responses": [],
        "survey_proposals": [],
        "applications": [],
        "application_reviewers": [],
    }
    assert report["services"]["contacts"]["contact"]["email"] == "paivi@example.fi"
    assert {"contact.created", "contact.viewed"} <= {
        e["action"] for e in report["services"]["audit"]["events"]
    }

    pdf = api.get(f"/api/v1/contacts/{contact_id}/access-report", params={"format": "pdf", "language": "en"})
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    pages = pypdf.PdfReader(io.BytesIO(pdf.content)).pages
    text = " ".join(page.extract_text() for page in pages)
    assert f"Access report: Päivi {NAME}" in text
    assert "Service: Contacts" in text and "Service: Audit log" in text and "Page 1" in text
    assert "Service: Imports" in text and "Service: Exports" in text
    assert "Service: Surveys" in text

    bad = api.get(f"/api/v1/contacts/{contact_id}/access-report", params={"format": "xml"})
    assert bad.status_code == 422 and "format" in bad.json()["details"]
    assert api.get("/api/v1/contacts/00000000-0000-0000-0000-000000000000/access-report").status_code == 404
    # The export itself is in the person's audit trail.
    assert wait_for(
        lambda: (
            "contact.access_report_exported"
            in {e["action"] for e in admin_api.get(f"/api/v1/contacts/{contact_id}/audit").json()["items"]}
        )
    )


def test_g4_erase_through_the_api_and_staff_get_403(system, admin_api):
    contact_id = admin_api.post("/api/v1/contacts", json={"first_name": "Päivi", "last_name": NAME}).json()[
        "id"
    ]
    system.create_user("staffer", PASSWORD, role="staff")
    staff = system.api(system.token("staffer", PASSWORD))
    assert staff.post(f"/api/v1/contacts/{contact_id}:erase", json={"reason": "x"}).status_code == 403
    assert staff.get(f"/api/v1/contacts/{contact_id}/access-report").status_code == 403
    assert staff.get("/api/v1/erasures").status_code == 403

    api = officer(system)
    missing = api.post(f"/api/v1/contacts/{contact_id}:erase", json={})
    assert missing.status_code == 422 and "reason" in missing.json()["details"]
    assert admin_api.get(f"/api/v1/contacts/{contact_id}").status_code == 200  # nothing changed

    erased = api.post(f"/api/v1/contacts/{contact_id}:erase", json={"reason": "the person asked"})
    assert erased.status_code == 202, erased.text
    erasure = erased.json()
    assert erasure["contact_id"] == contact_id and erasure["services"]["contacts"]
    assert wait_for(lambda: api.get(f"/api/v1/erasures/{erasure['id']}").json()["status"] == "completed", 10)
    assert admin_api.get(f"/api/v1/contacts/{contact_id}").status_code == 404
    assert admin_api.get("/api/v1/contacts", params={"q": NAME}).json()["items"] == []
    assert admin_api.get("/api/v1/contacts:count", params={"q": "ohman"}).json()["count"] == 0

    listed = api.get("/api/v1/erasures").json()["items"]
    assert [item["id"] for item in listed] == [erasure["id"]] and listed[0]["requested_by"] == "dpo"
    retried = api.post(f"/api/v1/erasures/{erasure['id']}:retry")
    assert retried.status_code == 200 and retried.json()["status"] == "completed"
    assert api.get("/api/v1/erasures/not-an-id").status_code == 404

    paths = admin_api.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/contacts/{contact_id}/access-report",
        "/api/v1/contacts/{contact_id}:erase",
        "/api/v1/erasures",
        "/api/v1/erasures/{erasure_id}",
        "/api/v1/erasures/{erasure_id}:retry",
    ):
        assert path in paths
