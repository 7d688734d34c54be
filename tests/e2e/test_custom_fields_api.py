"""C3 custom fields end to end through /api/v1: definitions, values in contacts, filters, OpenAPI."""

from tests.conftest import ADMIN_PASSWORD

LEVEL = {
    "key": "jasenlaji",
    "label_fi": "Jäsenlaji",
    "label_en": "Membership",
    "field_type": "choice",
    "required": True,
    "choices": [
        {"value": "varsinainen", "label_fi": "Varsinainen", "label_en": "Full"},
        {"value": "kannatus"},
    ],
}


def test_c3_custom_fields_through_the_api(admin_api, system):
    created = admin_api.post("/api/v1/custom-fields", json=LEVEL)
    assert created.status_code == 201, created.text
    field = created.json()
    assert admin_api.post("/api/v1/custom-fields", json={**LEVEL, "key": "Bad Key"}).status_code == 422

    missing = admin_api.post("/api/v1/contacts", json={"last_name": "Äijälä"})
    assert missing.status_code == 422 and "custom.jasenlaji" in missing.json()["details"]
    wrong = admin_api.post("/api/v1/contacts", json={"last_name": "Äijälä", "custom": {"jasenlaji": 5}})
    assert wrong.status_code == 422 and "custom.jasenlaji" in wrong.json()["details"]
    contact = admin_api.post(
        "/api/v1/contacts", json={"last_name": "Äijälä", "custom": {"jasenlaji": "kannatus"}}
    )
    assert contact.status_code == 201, contact.text
    contact_id = contact.json()["id"]
    assert admin_api.get(f"/api/v1/contacts/{contact_id}").json()["custom"] == {"jasenlaji": "kannatus"}
    patched = admin_api.patch(f"/api/v1/contacts/{contact_id}", json={"custom": {"jasenlaji": "varsinainen"}})
    assert patched.status_code == 200 and patched.json()["custom"] == {"jasenlaji": "varsinainen"}

    page = admin_api.get("/api/v1/contacts", params={"custom.jasenlaji": "Varsinainen"}).json()
    assert [item["id"] for item in page["items"]] == [contact_id]
    assert admin_api.get("/api/v1/contacts", params={"custom.jasenlaji": "kannatus"}).json()["items"] == []

    # Staff may read definitions and write values, not define fields.
    system.create_user("staff1", "staff password 1", role="staff")
    staff = system.api(system.token("staff1", "staff password 1"))
    assert staff.get("/api/v1/custom-fields").json()["items"][0]["value_count"] == 1
    assert staff.post("/api/v1/custom-fields", json={**LEVEL, "key": "other"}).status_code == 403

    assert (
        admin_api.patch(f"/api/v1/custom-fields/{field['id']}", json={"label_en": "Kind"}).json()["label_en"]
        == "Kind"
    )
    assert admin_api.delete(f"/api/v1/custom-fields/{field['id']}").json()["removed_at"]
    assert admin_api.get(f"/api/v1/contacts/{contact_id}").json()["custom"] == {}
    assert admin_api.post(f"/api/v1/custom-fields/{field['id']}/restore").json()["removed_at"] is None
    assert (
        admin_api.delete(f"/api/v1/custom-fields/{field['id']}", params={"purge": "true"}).status_code == 422
    )
    admin_api.delete(f"/api/v1/custom-fields/{field['id']}")
    purged = admin_api.delete(f"/api/v1/custom-fields/{field['id']}", params={"purge": "true"})
    assert purged.json()["values_deleted"] == 1
    assert admin_api.get(f"/api/v1/custom-fields/{field['id']}").status_code == 404


def test_c3_openapi_documents_custom_fields(admin_api):
    document = admin_api.get("/api/v1/openapi.json").json()
    assert {
        "/api/v1/custom-fields",
        "/api/v1/custom-fields/{field_id}",
        "/api/v1/custom-fields/{field_id}/restore",
    } <= set(document["paths"])
    assert (
        "contact_link"
        in document["components"]["schemas"]["CustomField"]["properties"]["field_type"]["description"]
    )
    names = {parameter["name"] for parameter in document["paths"]["/api/v1/contacts"]["get"]["parameters"]}
    assert {"custom.{key}", "custom_text"} <= names
    assert "custom" in document["components"]["schemas"]["ContactInput"]["properties"]


def test_issue13_5_a_custom_values_change_shows_on_the_contact_page_in_words(admin_api, system):
    """The contact page's change history names a custom field by its label and its values in words."""
    from tests.e2e.test_list_selection_web import web_session

    assert admin_api.post("/api/v1/custom-fields", json=LEVEL).status_code == 201
    contact = admin_api.post(
        "/api/v1/contacts",
        json={"first_name": "Arvo", "last_name": "Muutos", "custom": {"jasenlaji": "kannatus"}},
    ).json()
    changed = admin_api.patch(
        f"/api/v1/contacts/{contact['id']}", json={"custom": {"jasenlaji": "varsinainen"}}
    )
    assert changed.status_code == 200, changed.text
    api_changes = admin_api.get(f"/api/v1/contacts/{contact['id']}/changes").json()["items"]
    assert [(c["field"], c["old_value"], c["new_value"]) for c in api_changes] == [
        ("custom.jasenlaji", "kannatus", "varsinainen")
    ]
    page = web_session(system, "admin", ADMIN_PASSWORD).get(f"{system.base_url}/contacts/{contact['id']}")
    history = page.text[page.text.index('id="audit-changes"') :]
    assert '<strong>Jäsenlaji</strong>: <span class="change">kannatus → Varsinainen</span>' in history
