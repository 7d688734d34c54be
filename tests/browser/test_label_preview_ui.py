"""I2 + M5 in headless Chromium: the address labels' preview. From the contact list's export page, choose
labels, press Preview: the first sheet's labels as they will print (the couple once, the contact without an
address left out), the counts, and the ⚠ mark with the reason and day beside the bounced contact's label
only; the form keeps the choices, so Start then makes the file previewed. Screenshots at 1,400 and 390 px
(no sideways scrolling) in $PIIRI_SCREENS, no axe-core finding."""

import os
import re
from pathlib import Path

import pytest

from tests.browser.axe import report, violations
from tests.browser.test_label_export_ui import exporting  # noqa: F401  (fixture)
from tests.browser.test_web_ui import log_in
from tests.mailing_flags import flag_contact

pytestmark = pytest.mark.browser

PASSWORD = "tarrat esikatseluun 2026"
LAST = "Esikatselu"
SCREENS = Path(os.environ.get("PIIRI_SCREENS", "/tmp/screens-label-preview"))


def _seed(api):
    made = {}
    home = {"street": "Kotitie 5", "postal_code": "33100", "city": "Tampere"}
    for first in ("Aino", "Bruno", "Cecilia", "Daniel"):
        body = {"first_name": first, "last_name": LAST, "street": f"{first}npolku 1", "postal_code": "00100",
                "city": "Helsinki"}  # fmt: skip
        made[first] = api.post("/api/v1/contacts", json=body).json()["id"]
    for first in ("Eeva", "Frans"):
        made[first] = api.post(
            "/api/v1/contacts", json={"first_name": first, "last_name": LAST, **home}
        ).json()["id"]
    assert api.post("/api/v1/couples", json={"contact_ids": [made["Eeva"], made["Frans"]]}).status_code == 201
    assert api.post("/api/v1/contacts", json={"first_name": "Osoitteeton", "last_name": LAST}).ok
    return made


def test_i2_m5_preview_the_labels_with_the_bounced_contact_flagged(exporting, browser, engines):  # noqa: F811
    SCREENS.mkdir(parents=True, exist_ok=True)
    exporting.create_user("tarja", PASSWORD, role="staff")
    made = _seed(exporting.api(exporting.token("tarja", PASSWORD)))
    flag_contact(engines["mailing"], made["Bruno"], email="bruno@example.org")

    browser.open("/contacts")
    log_in(browser, "tarja", PASSWORD)
    browser.open(f"/contacts?q={LAST.lower()}")
    browser.click("#export-list")
    browser.wait_for_url("**/exports/new?*")
    assert browser.count("#export-preview") == 0  # a preview is for labels
    browser.select_option("#format-choice", "labels")
    browser.click("#format-choose")
    browser.wait_for_url("**format=labels*")
    browser.fill("#opt-skip", "1")
    browser.click("#export-preview")
    browser.wait_for_selector("#label-preview")

    counts = {
        key: browser.text(f'#label-preview-counts dd[data-count="{key}"]')
        for key in ("labels", "pages", "skipped_no_address", "skipped_couple_partner")
    }
    assert counts == {"labels": "5", "pages": "1", "skipped_no_address": "1", "skipped_couple_partner": "1"}
    labels = browser.evaluate(
        "[...document.querySelectorAll('#label-preview-sheet li.label-cell:not(.label-empty)')]"
        ".map(li => [li.dataset.contactId, li.innerText.replace(/\\s+/g, ' ').trim()])"
    )
    shown = dict(labels)
    assert list(shown) == [made[name] for name in ("Aino", "Bruno", "Cecilia", "Daniel")] + [
        made["Eeva"] if made["Eeva"] in shown else made["Frans"]
    ]
    assert (
        shown[made["Bruno"]] == f"Bruno {LAST} Brunonpolku 1 00100 HELSINKI ⚠ Sähköposti palautui 3.12.2026"
    )
    assert all("⚠" not in value for key, value in shown.items() if key != made["Bruno"])
    assert re.search(
        rf"(Eeva ja Frans|Frans ja Eeva) {LAST} Kotitie 5 33100 TAMPERE", " ".join(shown.values())
    )
    assert browser.input_value("#opt-skip") == "1"  # the form keeps what was chosen

    for width in (1400, 390):
        browser.set_viewport_size({"width": width, "height": 900})
        browser.evaluate("document.querySelector('#label-preview').scrollIntoView()")
        assert browser.evaluate("document.documentElement.scrollWidth") <= width, width
        browser.screenshot(path=str(SCREENS / f"label-preview-fi-{width}.png"), full_page=True)
        found = violations(browser) if width == 1400 else []
        assert not found, f"label preview at {width} px:\n{report(found)}"
    browser.set_viewport_size({"width": 1400, "height": 900})

    browser.click("#export-start")  # the file previewed
    browser.wait_for_url("**/exports/*-*")
    browser.wait_for_selector('#export-job[data-status="done"]', timeout=30000)
