"""C2 in headless Chromium: link a person to an organisation as a board member from the person's page
(picking the organisation by searching) and see the person on the organisation's page; upload a photo
and see it shown, refuse a file that is not an image, remove the photo."""

import pytest

from tests.browser.test_web_ui import log_in
from tests.integration.test_affiliations import PNG

pytestmark = pytest.mark.browser

PASSWORD = "kuusi kuusta kuusessa"


def test_c2_link_a_board_member_from_the_person_page(system, browser):
    system.create_user("maija", PASSWORD, role="staff")
    api = system.api(system.token("maija", PASSWORD))
    anna = api.post("/api/v1/contacts", json={"first_name": "Anna", "last_name": "Virtanen"}).json()
    club = api.post("/api/v1/contacts", json={"kind": "organisation", "organisation_name": "Kylä ry"}).json()
    api.post("/api/v1/contacts", json={"kind": "organisation", "organisation_name": "Kylätalo Oy"})

    browser.open("/contacts")
    log_in(browser, "maija", PASSWORD)
    browser.open(f"/contacts/{anna['id']}")
    assert browser.text("#organisations h2") == "Organisaatiot"
    browser.click("#add-affiliation")
    browser.wait_for_url(f"**/contacts/{anna['id']}/organisations/new")
    browser.fill("#organisation-q", "kylä")
    browser.click("#organisation-search")
    browser.wait_for_url("**/organisations/new?q=*")
    matches = browser.text("#organisation-matches")
    assert "Kylä ry" in matches and "Kylätalo Oy" in matches
    browser.check(f"input[name=organisation_id][value='{club['id']}']")
    browser.select_option("#affiliation-role", "board_member")
    browser.fill("#affiliation-title", "Sihteeri")
    browser.fill("#affiliation-starts", "2026-01-10")
    browser.fill("#affiliation-ends", "2026-01-01")
    browser.click("#save-affiliation")
    # A refused date is explained in Finnish and the choices are kept.
    assert "Päättymispäivä ei voi olla ennen alkamispäivää." in browser.text("#affiliation-errors")
    assert browser.input_value("#affiliation-role") == "board_member"
    browser.fill("#affiliation-ends", "")
    browser.click("#save-affiliation")
    browser.wait_for_url(f"**/contacts/{anna['id']}#organisations")
    links = browser.text("#organisation-links")
    assert "Kylä ry" in links and "hallituksen jäsen" in links and "Sihteeri" in links

    # The organisation's page lists her among its people.
    browser.click("#organisation-links a")
    browser.wait_for_url(f"**/contacts/{club['id']}")
    assert browser.text("#people h2") == "Henkilöt"
    assert browser.text("#people-count") == "Henkilöitä nyt: 1"
    assert "Anna Virtanen" in browser.text("#people-links") and "hallituksen jäsen" in browser.text(
        "#people-links"
    )
    browser.click("#all-people")
    browser.wait_for_url(f"**/contacts/{club['id']}/people")
    assert "Anna Virtanen" in browser.text("#people-table")

    # Edit the link: she becomes the chair; the edit form shows the stored values.
    browser.open(f"/contacts/{anna['id']}")
    browser.click("#organisation-links a.button")
    browser.wait_for_url(f"**/contacts/{anna['id']}/organisations/*/edit")
    assert browser.input_value("#affiliation-title") == "Sihteeri"
    assert browser.input_value("#affiliation-starts") == "2026-01-10"
    browser.select_option("#affiliation-role", "chair")
    browser.fill("#affiliation-title", "")
    browser.check("#affiliation-primary")
    browser.click("#save-affiliation")
    browser.wait_for_url(f"**/contacts/{anna['id']}#organisations")
    links = browser.text("#organisation-links")
    assert "puheenjohtaja" in links and "Sihteeri" not in links and "Pääorganisaatio" in links

    # Linking again in the same role is refused with the reason.
    browser.open(f"/contacts/{anna['id']}/organisations/new?q=kyl%C3%A4%20ry")
    browser.select_option("#affiliation-role", "chair")
    browser.click("#save-affiliation")
    assert "Jo liitetty organisaatioon Kylä ry tässä roolissa." in browser.text("#affiliation-errors")


def test_c2_upload_a_photo_and_see_it(system, browser, tmp_path):
    system.create_user("maija", PASSWORD, role="staff")
    api = system.api(system.token("maija", PASSWORD))
    anna = api.post("/api/v1/contacts", json={"first_name": "Anna", "last_name": "Virtanen"}).json()
    photo, not_image = tmp_path / "anna.png", tmp_path / "notes.png"
    photo.write_bytes(PNG)
    not_image.write_bytes(b"just some text, named .png")

    browser.open("/contacts")
    log_in(browser, "maija", PASSWORD)
    browser.open(f"/contacts/{anna['id']}")
    assert browser.text("#no-photo") == "Ei kuvaa."
    browser.click("#photo-add-open")
    browser.set_input_files("#photo-file", str(not_image))
    browser.click("#upload-photo")
    assert "JPEG-, PNG- tai WebP-kuva" in browser.text("#photo-errors")
    assert browser.count("#contact-photo") == 0

    browser.set_input_files("#photo-file", str(photo))
    browser.click("#upload-photo")
    browser.wait_for_url(f"**/contacts/{anna['id']}#photo")
    browser.wait_for_selector("#contact-photo")
    loaded = browser.eval_on_selector("#contact-photo", "img => img.complete && img.naturalWidth")
    assert loaded == 1  # the 1x1 PNG came back through the gateway route and was decoded
    assert api.get(f"/api/v1/contacts/{anna['id']}/photo").content == PNG

    browser.click("#remove-photo")
    browser.wait_for_url(f"**/contacts/{anna['id']}#photo")
    assert browser.text("#no-photo") == "Ei kuvaa."
