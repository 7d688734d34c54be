"""C3 in headless Chromium: an admin defines a single choice field "Jäsenlaji", fills it in on a
contact's form (required value missing -> error beside the field), sees it on the page, filters by it."""

import pytest

from tests.browser.test_web_ui import log_in

pytestmark = pytest.mark.browser

PASSWORD = "seitsemän veljestä"


def test_c3_admin_defines_fills_sees_and_filters_a_custom_field(system, browser):
    system.create_user("paakayttaja", PASSWORD, role="admin")
    api = system.api(system.token("paakayttaja", PASSWORD))
    other = api.post("/api/v1/contacts", json={"first_name": "Olli", "last_name": "Muu"})
    contact = api.post("/api/v1/contacts", json={"first_name": "Eino", "last_name": "Äijälä"})
    assert contact.status_code == 201 and other.status_code == 201
    contact_id = contact.json()["id"]

    browser.open("/login")
    log_in(browser, "paakayttaja", PASSWORD)
    browser.nav("#nav-custom-fields")
    browser.wait_for_url("**/settings/custom-fields")

    # A bad key is refused beside its input; then the field is created.
    browser.fill("#cf-key", "Jäsenlaji")
    browser.fill("#cf-label_fi", "Jäsenlaji")
    browser.click("#create-custom-field")
    assert browser.count("#error-cf-key") == 1
    browser.fill("#cf-key", "jasenlaji")
    browser.fill("#cf-label_en", "Membership")
    browser.select_option("#cf-field_type", "choice")
    browser.check("#cf-required")
    browser.fill("#cf-help_fi", "Jäsenen laji jäsenrekisterissä")
    browser.fill(
        "#cf-choices", "varsinainen | Varsinainen jäsen | Full member\nkannatus | Kannatusjäsen | Supporter"
    )
    browser.click("#create-custom-field")
    browser.wait_for_url("**/settings/custom-fields")
    assert "Jäsenlaji" in browser.text("#cf-row-jasenlaji")

    # The contact form shows the field; leaving the required field empty gives an error beside it.
    browser.open(f"/contacts/{contact_id}/edit")
    assert "Jäsenen laji jäsenrekisterissä" in browser.text("#field-custom-jasenlaji")
    browser.click("#save-contact")
    assert browser.text("#error-custom-jasenlaji") == "Pakollinen tieto."
    browser.select_option("#custom-jasenlaji", "kannatus")
    browser.click("#save-contact")
    browser.wait_for_url(f"**/contacts/{contact_id}")
    assert browser.text("#custom-jasenlaji dd") == "Kannatusjäsen"

    # The list's filter form finds the contact by the field.
    browser.open("/contacts")
    browser.click("#filters-toggle")  # the filters are folded away (issue 13 item 4)
    browser.click("#custom-filters summary")
    browser.select_option("#filter-jasenlaji", "kannatus")
    browser.click("#search-submit")
    browser.wait_for_url("**/contacts?*jasenlaji=kannatus*")
    table = browser.text("#contact-table")
    assert "Eino Äijälä" in table and "Olli Muu" not in table


def test_issue13_a_contact_link_is_chosen_with_a_person_picker(system, browser, engines):
    """Issue 13 item 6 (C3): a contact_link custom field is a person picker. Typing part of a name shows
    the header's suggestions (audited as a search); choosing one and saving links the person, whose name
    (a link) the contact page shows; the form starts from that name. A name nobody has is refused with a
    clear error beside the box and nothing is written."""
    from sqlalchemy import text

    system.create_user("paakayttaja", PASSWORD, role="admin")
    api = system.api(system.token("paakayttaja", PASSWORD))
    field = {"key": "kummi", "label_fi": "Kummi", "label_en": "Sponsor", "field_type": "contact_link"}
    assert api.post("/api/v1/custom-fields", json=field).status_code == 201
    sponsor = api.post("/api/v1/contacts", json={"first_name": "Saara", "last_name": "Kummikallio"}).json()
    api.post("/api/v1/contacts", json={"first_name": "Sami", "last_name": "Kumpulainen"})
    contact_id = api.post("/api/v1/contacts", json={"first_name": "Eino", "last_name": "Äijälä"}).json()["id"]

    browser.open("/login")
    log_in(browser, "paakayttaja", PASSWORD)
    browser.open(f"/contacts/{contact_id}/edit")
    assert browser.get_attribute("#custom-kummi", "role") == "combobox"
    browser.fill("#custom-kummi", "nimeton ihminen")
    browser.click("#save-contact")
    assert "nimeton ihminen" in browser.text("#error-custom-kummi")
    assert browser.input_value("#custom-kummi") == "nimeton ihminen"
    assert api.get(f"/api/v1/contacts/{contact_id}").json()["custom"] == {}

    browser.fill("#custom-kummi", "")
    browser.type("#custom-kummi", "kummik")
    browser.wait_for_selector("#custom-kummi-options [role=option]")
    assert "Saara Kummikallio" in browser.text("#custom-kummi-options")
    assert "Sami Kumpulainen" not in browser.text("#custom-kummi-options")
    browser.press("#custom-kummi", "ArrowDown")
    browser.press("#custom-kummi", "Enter")  # takes the person; does not save the form
    assert browser.input_value("#custom-kummi") == "Saara Kummikallio"
    assert browser.input_value("input[name='custom.kummi']") == sponsor["id"]
    with engines["audit"].connect() as conn:  # the picker's search is audited as the header's is
        listed = conn.execute(
            text(
                "SELECT count(*) FROM audit_events WHERE action = 'contact.listed' AND actor_username = "
                "'paakayttaja' AND :id = ANY(subject_ids)"
            ),
            {"id": sponsor["id"]},
        ).scalar_one()
    assert listed >= 1
    browser.click("#save-contact")
    browser.wait_for_url(f"**/contacts/{contact_id}")
    assert browser.text("#custom-kummi dd") == "Saara Kummikallio"
    assert browser.get_attribute("#custom-kummi dd a", "href") == f"/contacts/{sponsor['id']}"
    assert api.get(f"/api/v1/contacts/{contact_id}").json()["custom"] == {"kummi": sponsor["id"]}

    browser.open(f"/contacts/{contact_id}/edit")  # the form starts from the linked person's name
    assert browser.input_value("#custom-kummi") == "Saara Kummikallio"
