"""Q3 in headless Chromium: an outside expert (the reviewer role) logs in, is made to set up two-factor
login first, logs in again with password and code, lands in the reviewer portal, sees only the
application assigned to them (its released text, no applicant) with the review deadline and the days left,
scores each criterion with a comment and submits; the scores are locked after that. Then a second
application is assigned to them and they declare a conflict of interest with it (with a reason): it leaves
their list, and the coordinator sees the declaration on the round page, with the round's deadlines, and the
decision letter's PDF link on the application page. Screenshots at 1,400 and 390 px in $PIIRI_SCREENS
(default /tmp/screens-review)."""

import os
import time
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest

from piiri import clock
from tests.conftest import ADMIN_PASSWORD

pytestmark = pytest.mark.browser
SCREENS = Path(os.environ.get("PIIRI_SCREENS", "/tmp/screens-review"))


def looked_at(browser, name):
    """The page at 1,400 and 390 px: nothing wider than the screen, a screenshot of each."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    for width in (1400, 390):
        browser.set_viewport_size({"width": width, "height": 900})
        browser.reload()
        assert browser.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        browser.screenshot(path=str(SCREENS / f"{name}-{width}.png"), full_page=True)
    browser.set_viewport_size({"width": 1280, "height": 900})


def submit_login(browser, username, password):
    browser.fill("#username", username)
    browser.fill("#password", password)
    browser.click("#login-submit")


def fresh_code(secret, last):
    code = pyotp.TOTP(secret).now()
    return code if code != last else pyotp.TOTP(secret).at(time.time() + 30)


def test_q3_a_reviewer_logs_in_with_totp_sees_only_their_application_scores_and_submits(system, browser):
    system.create_user("admin", ADMIN_PASSWORD, role="admin")
    system.create_user("asiantuntija", ADMIN_PASSWORD, role="reviewer")
    api = system.api(system.token("admin", ADMIN_PASSWORD))
    users = api.get("/api/v1/users").json()["items"]
    reviewer_user = next(user["id"] for user in users if user["username"] == "asiantuntija")
    round_id = api.post(
        "/api/v1/application-rounds",
        json={"name": "Kirjoittajastipendi", "form_fields": [{"key": "plan", "label": "Työsuunnitelma"}],
              "released_fields": ["title", "plan"],
              "review_until": (clock.today() + timedelta(days=10)).isoformat()},
    ).json()["id"]  # fmt: skip
    api.put(
        f"/api/v1/application-rounds/{round_id}/rubric",
        json={"criteria": [{"name": "Omaperäisyys", "weight": 2}, {"name": "Toteutettavuus", "weight": 1}]},
    )
    people = [
        api.post("/api/v1/contacts", json={"first_name": name, "last_name": "Kirjailija"}).json()["id"]
        for name in ("Elina", "Frans")
    ]
    mine, other = [
        api.post(
            f"/api/v1/application-rounds/{round_id}/applications",
            json={"contact_id": person, "title": title, "texts": {"plan": f"{title}: suunnitelma"}},
        ).json()["id"]
        for person, title in zip(people, ("Romaani merestä", "Runokokoelma"), strict=True)
    ]
    reviewer = api.post(f"/api/v1/application-rounds/{round_id}/reviewers", json={"user_id": reviewer_user})
    api.post(
        f"/api/v1/application-rounds/{round_id}/assignments",
        json={"application_id": mine, "reviewer_id": reviewer.json()["id"]},
    )
    api.patch(f"/api/v1/application-rounds/{round_id}", json={"phase": "review"})

    browser.open("/login")
    submit_login(browser, "asiantuntija", ADMIN_PASSWORD)
    browser.wait_for_url("**/account/totp")  # two-factor login first: nothing else until then
    browser.open("/review")
    assert browser.path == "/account/totp"
    secret = browser.text("#totp-secret").strip()
    used = pyotp.TOTP(secret).now()
    browser.fill("#totp-code", used)
    browser.click("#totp-confirm")
    browser.wait_for_url("**/account?done=totp_enabled")
    browser.nav("#logout")
    browser.wait_for_url("**/login")
    submit_login(browser, "asiantuntija", ADMIN_PASSWORD)
    browser.wait_for_url("**/login/totp")
    browser.fill("#totp-code", fresh_code(secret, used))
    browser.click("#totp-submit")
    browser.wait_for_url("**/review")  # a reviewer's home is the portal

    assert browser.count("#my-reviews tbody tr") == 1
    assert "Romaani merestä" in browser.text("#my-reviews") and "Runokokoelma" not in browser.text("body")
    assert "Päiviä jäljellä: 10" in browser.text(f"#review-{mine}")  # the review deadline and time left
    browser.open(f"/review/{other}")
    assert "Runokokoelma" not in browser.text("body")  # another's application: not found
    browser.open("/review")
    browser.click(f"#review-{mine} a")
    browser.wait_for_url(f"**/review/{mine}")
    assert browser.text("#review-text-plan") == "Romaani merestä: suunnitelma"
    assert "Elina" not in browser.text("body") and "Kirjailija" not in browser.text("body")  # blind
    assert "Päiviä jäljellä: 10" in browser.text("#review-deadline")
    looked_at(browser, "review")

    criteria = api.get(f"/api/v1/application-rounds/{round_id}").json()["criteria"]
    browser.fill(f"#score-{criteria[0]['id']}", "9")
    browser.click("#review-submit")
    browser.wait_for_selector("#applications-error")
    assert "pisteiden on oltava 0–5" in browser.text("#applications-error")
    browser.fill(f"#score-{criteria[0]['id']}", "4")
    browser.fill(f"#comment-{criteria[0]['id']}", "Tuore näkökulma")
    browser.fill(f"#score-{criteria[1]['id']}", "3")
    browser.click("#review-submit")
    browser.wait_for_selector("#review-saved")
    assert browser.text("#review-saved") == "Arviointi lähetetty. Kiitos!"
    assert browser.count("#review-locked") == 1 and browser.count("#review-submit") == 0
    browser.open("/review")
    assert "lähetetty" in browser.text("#my-reviews")

    # Q3: a second application assigned; the reviewer declares a conflict with it and it leaves their list.
    api.post(
        f"/api/v1/application-rounds/{round_id}/assignments",
        json={"application_id": other, "reviewer_id": reviewer.json()["id"]},
    )
    browser.open(f"/review/{other}")
    assert browser.text("#review-heading") == "Runokokoelma"
    browser.fill("#conflict-reason", "Kirjoittaja on sisareni")
    browser.click("#conflict-declare")
    browser.wait_for_selector("#conflict-declared")
    assert browser.count("#my-reviews tbody tr") == 1 and "Runokokoelma" not in browser.text("#my-reviews")
    looked_at(browser, "review-list")
    browser.nav("#logout")
    browser.wait_for_url("**/login")

    # The coordinator sees the declaration with its reason, the deadlines, and the letter's PDF link.
    api.post(
        f"/api/v1/application-rounds/{round_id}/applications/{mine}/decision", json={"decision": "accept"}
    )
    submit_login(browser, "admin", ADMIN_PASSWORD)
    browser.wait_for_url("**/dashboard")
    browser.open(f"/applications/{round_id}")
    declared = browser.text("#round-reviewers")
    assert (
        "Runokokoelma" in declared
        and "Kirjoittaja on sisareni" in declared
        and "arvioijan ilmoittama" in declared
    )
    assert "Päiviä jäljellä: 10" in browser.text("#deadline-review_until")
    looked_at(browser, "round")
    browser.open(f"/applications/{round_id}/{mine}")
    assert browser.count("#decision-letter-pdf") == 1
    looked_at(browser, "application")
