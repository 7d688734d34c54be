"""End to end through the gateway's HTTP API: tokens, contacts, audit trail, errors (C1, C2, C4, G2, X2)."""

import time

import requests

from tests.conftest import ADMIN_PASSWORD

ANNA = {
    "first_name": "Anna",
    "last_name": "Äijälä",
    "email": "anna@example.fi",
    "phone": "040 123 4567",
    "postal_code": "00100",
    "city": "Helsinki",
}


def wait_for_trail(api, contact_id, actions, seconds=8):
    deadline = time.monotonic() + seconds
    while True:
        items = api.get(f"/api/v1/contacts/{contact_id}/audit").json()["items"]
        if set(actions) <= {item["action"] for item in items} or time.monotonic() > deadline:
            return items
        time.sleep(0.1)


def test_token_auth_and_the_contact_life_cycle(admin_api):
    created = admin_api.post("/api/v1/contacts", json=ANNA)
    assert created.status_code == 201, created.text
    contact = created.json()
    assert created.headers["Location"] == f"/api/v1/contacts/{contact['id']}"
    assert contact["phone"] == "+358401234567"

    page = admin_api.get("/api/v1/contacts", params={"q": "aijala", "limit": 5}).json()
    assert [item["id"] for item in page["items"]] == [contact["id"]]

    changed = admin_api.patch(
        f"/api/v1/contacts/{contact['id']}", json={"city": "Espoo", "postal_code": "02100"}
    )
    assert changed.status_code == 200 and changed.json()["city"] == "Espoo"
    assert admin_api.get(f"/api/v1/contacts/{contact['id']}").json()["city"] == "Espoo"

    trail = wait_for_trail(
        admin_api, contact["id"], {"contact.created", "contact.listed", "contact.updated", "contact.viewed"}
    )
    actions = {item["action"] for item in trail}
    assert {"contact.created", "contact.listed", "contact.updated", "contact.viewed"} <= actions
    assert {item["actor"]["username"] for item in trail} == {"admin"}
    updated = next(item for item in trail if item["action"] == "contact.updated")
    assert updated["fields"] == ["addresses", "city", "postal_code"]  # C2: the list follows the flat fields

    assert admin_api.delete(f"/api/v1/contacts/{contact['id']}").status_code == 200
    assert admin_api.get(f"/api/v1/contacts/{contact['id']}").status_code == 404
    # The trail of a deleted contact stays readable; it records the deletion.
    trail = wait_for_trail(admin_api, contact["id"], {"contact.deleted"})
    assert "contact.deleted" in {item["action"] for item in trail}


def test_paging_through_the_api_with_cursors(admin_api):
    for index in range(7):
        assert admin_api.post(
            "/api/v1/contacts", json={"first_name": "Ilona", "last_name": f"Sivu{index}"}
        ).ok
    first = admin_api.get("/api/v1/contacts", params={"q": "sivu", "limit": 5}).json()
    second = admin_api.get(
        "/api/v1/contacts", params={"q": "sivu", "limit": 5, "cursor": first["next_cursor"]}
    ).json()
    names = [item["display_name"] for item in first["items"] + second["items"]]
    assert names == [f"Ilona Sivu{index}" for index in range(7)]
    assert second["next_cursor"] is None


def test_errors_are_specific_and_never_stack_traces(system, admin_api):
    bad = admin_api.post("/api/v1/contacts", json={"last_name": "Virtanen", "email": "nope", "shoe_size": 3})
    assert bad.status_code == 422
    body = bad.json()
    assert body["error"] == "validation_failed" and {"email", "shoe_size"} <= set(body["details"])
    assert admin_api.get("/api/v1/contacts/00000000-0000-0000-0000-000000000000").status_code == 404
    assert admin_api.get("/api/v1/contacts/not-an-id").json()["error"] == "not_found"
    assert admin_api.get("/api/v1/contacts/not-an-id/audit").status_code == 404
    assert admin_api.get("/api/v1/contacts", params={"limit": "lots"}).status_code == 422
    assert admin_api.get("/api/v1/contacts", params={"cursor": "forged"}).status_code == 422
    not_json = admin_api.post("/api/v1/contacts", data="{", headers={"Content-Type": "application/json"})
    assert not_json.status_code == 422 and "JSON" in not_json.json()["message"]
    assert admin_api.get("/api/v1/contacts").json()["items"] == []
    for response in (bad, not_json):
        assert "Traceback" not in response.text


def test_authentication_and_permissions(system, admin_api):
    """C6/S1: no token -> 401, wrong password -> 401, staff may not delete -> 403."""
    assert requests.get(f"{system.base_url}/api/v1/contacts").status_code == 401
    wrong = requests.post(f"{system.base_url}/api/v1/auth/token", json={"username": "admin", "password": "x"})
    assert wrong.status_code == 401 and wrong.json()["message"].startswith("Wrong username or password")
    forged = requests.get(f"{system.base_url}/api/v1/contacts", headers={"Authorization": "Bearer forged"})
    assert forged.status_code == 401

    system.create_user("staffer", "staff password 1", role="staff")
    staff = system.api(system.token("staffer", "staff password 1"))
    contact = staff.post("/api/v1/contacts", json=ANNA).json()
    denied = staff.delete(f"/api/v1/contacts/{contact['id']}")
    assert denied.status_code == 403 and denied.json()["details"]["permission"] == "contacts.delete"
    assert admin_api.get(f"/api/v1/contacts/{contact['id']}").status_code == 200

    assert staff.delete("/api/v1/auth/token").status_code == 200
    assert staff.get("/api/v1/contacts").status_code == 401


def test_login_throttling_locks_out_after_repeated_failures(system, admin_api):
    """S1: the fifth failure in a row locks the account (tests/e2e/test_login_security.py has more)."""
    url = f"{system.base_url}/api/v1/auth/token"
    for _ in range(4):
        assert requests.post(url, json={"username": "admin", "password": "wrong"}).status_code == 401
    assert requests.post(url, json={"username": "admin", "password": "wrong"}).status_code == 423
    locked = requests.post(url, json={"username": "admin", "password": ADMIN_PASSWORD})
    assert locked.status_code == 423 and "locked after too many failed logins" in locked.json()["message"]


def test_session_cookie_api_calls_need_the_csrf_header(system, admin_api):
    from gateway import auth

    session = requests.Session()
    secret, principal = _web_login(system, "admin", ADMIN_PASSWORD)
    session.cookies.set(auth.SESSION_COOKIE, secret)
    assert session.get(f"{system.base_url}/api/v1/contacts").status_code == 200
    refused = session.post(f"{system.base_url}/api/v1/contacts", json=ANNA)
    assert refused.status_code == 403
    accepted = session.post(
        f"{system.base_url}/api/v1/contacts", json=ANNA, headers={"X-CSRF-Token": principal.csrf_token}
    )
    assert accepted.status_code == 201


def _web_login(system, username, password):
    from sqlalchemy.orm import Session

    from gateway import auth

    settings = {"max_failures": 5, "lock_minutes": 15, "session_hours": 1}
    with Session(system.gateway_engine) as session:
        return auth.login(session, username, password, "127.0.0.1", "web", settings)


def test_openapi_document_describes_the_api(system):
    """X2: the OpenAPI document is generated from the marshmallow schemas."""
    document = requests.get(f"{system.base_url}/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    for path in (
        "/api/v1/auth/token",
        "/api/v1/contacts",
        "/api/v1/contacts/{contact_id}",
        "/api/v1/contacts/{contact_id}/audit",
        "/health",
    ):
        assert path in document["paths"]
    contact_input = document["components"]["schemas"]["ContactInput"]["properties"]
    assert contact_input["kind"]["enum"] == ["person", "organisation"]
    assert set(document["paths"]["/api/v1/contacts/{contact_id}"]) == {"get", "patch", "delete"}


def test_health_and_security_headers(system):
    """Every service answers but the import and export workers are not running: degraded, 200."""
    response = requests.get(f"{system.base_url}/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert all(body["services"][name] == "ok" for name in ("contacts", "audit", "imports", "exports"))
    assert body["workers"] == {
        "contacts_worker": 1,
        "import_worker": 0,
        "exports_worker": 0,
        "mailing_worker": 0,
        "billing_worker": 1,
    }
    assert all(count == 0 for count in body["dead_letters"].values())
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_reads_are_refused_with_503_while_the_audit_log_cannot_record_them(admin_api, vhost):
    """G2: no unaudited reads, through the whole stack: a clear 503, and the read works again once healed."""
    from tests.conftest import break_audit_path, heal_audit_path

    contact = admin_api.post("/api/v1/contacts", json=ANNA).json()
    break_audit_path(vhost)
    try:
        refused = admin_api.get(f"/api/v1/contacts/{contact['id']}")
        assert refused.status_code == 503
        assert refused.json()["error"] == "audit_unavailable"
        assert "Anna" not in refused.text
        assert admin_api.get("/api/v1/contacts", params={"q": "anna"}).status_code == 503
    finally:
        heal_audit_path(vhost)
    assert admin_api.get(f"/api/v1/contacts/{contact['id']}").status_code == 200


def test_health_is_ok_with_every_service_and_worker(system, run_services):
    from services.exports.service import ExportsService
    from services.exports.worker import ExportWorker
    from services.imports.service import ImportsService
    from services.imports.worker import ImportWorker
    from services.mailing.worker import MailingWorker

    run_services(ExportsService, ImportsService, ExportWorker, ImportWorker, MailingWorker)
    body = requests.get(f"{system.base_url}/health").json()
    assert body["status"] == "ok", body
    assert set(body["services"].values()) == {"ok"}
    assert body["workers"] == {
        "contacts_worker": 1,
        "import_worker": 1,
        "exports_worker": 1,
        "mailing_worker": 1,
        "billing_worker": 1,
    }


def test_health_is_503_when_a_service_does_not_answer(run_services, config):
    """/health answers 200 only when every service answers over the bus."""
    from gateway.service import GatewayService
    from services.contacts.service import ContactsService

    run_services(ContactsService, GatewayService, extra_config={"RPC_TIMEOUT": 3})
    response = requests.get(f"http://{config['WEB_SERVER_ADDRESS']}/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["services"]["contacts"] == "ok"
    assert "audit" in body["services"]["audit"]


def test_unknown_search_filters_are_refused_by_name(admin_api):
    """C4: a structured filter the service does not know is a 422 naming it, not a silent no-op."""
    response = admin_api.get("/api/v1/contacts", params={"q": "anna", "shoe_size": "44"})
    assert response.status_code == 422
    assert "shoe_size" in response.json()["details"]
