"""Issue 13 item 2: the dashboard is the landing page. A login without a target and ``/`` land on it; each
card links to the list behind it and that list shows what the card counted; a card is shown only to those
who may open its list; a service that does not answer leaves its card saying so and the page stands; the
page in Finnish and English at 1,400 and 390 px (screenshots in $PIIRI_SCREENS, default
/tmp/screens-dash), with no sideways scrolling on a phone."""

import os
import re
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest
import requests

from piiri.clock import today
from services.contacts.birthdays.rules import birthday_in
from tests.browser.test_web_http import csrf_of, log_in
from tests.conftest import System, system_services

PASSWORD = "kojelauta kertoo kaiken"
SCREENS = Path(os.environ.get("PIIRI_SCREENS", "/tmp/screens-dash"))
HREF = re.compile(r'<a [^>]*href="([^"]+)"[^>]*id="([^"]+)"|<a [^>]*id="([^"]+)"[^>]*href="([^"]+)"')


def links_of(html):
    """{element id: href} of the page's links that have an id."""
    found = {}
    for href, link_id, other_id, other_href in HREF.findall(html):
        found[link_id or other_id] = unescape(href or other_href)
    return found


def card_ids(html):
    return set(re.findall(r'<section class="card dash-card[^"]*" id="([^"]+)"', html))


def seed(system):
    """Admin, and a small registry: Aino (member since a year and a half), Cecilia (joined this month),
    Dora (left today), Eero (no group, turning 50 in 5 days)."""
    system.create_user("admin", PASSWORD, role="admin")
    api = system.api(system.token("admin", PASSWORD))
    people = {}
    for name in ("Aino", "Cecilia", "Dora", "Eero"):
        body = {"first_name": name, "last_name": "Kojelauta"}
        if name == "Eero":
            day = today() + timedelta(days=5)
            body["birth_date"] = birthday_in(day, day.year - 50).isoformat()
        people[name] = api.post("/api/v1/contacts", json=body).json()["id"]
    group = api.post("/api/v1/groups", json={"name": "Jäsenet"}).json()["id"]
    day = today()
    for name, starts, ends in (
        ("Aino", day - timedelta(days=540), None),
        ("Cecilia", day.replace(day=1), None),
        ("Dora", day - timedelta(days=700), day),
    ):
        body = {"contact_ids": [people[name]], "starts_on": starts.isoformat()}
        if ends:
            body["ends_on"] = ends.isoformat()
        assert api.post(f"/api/v1/groups/{group}/members", json=body).status_code == 200
    return api, people


def test_issue13_login_and_home_land_on_the_dashboard_and_every_card_links_to_its_list(system):
    api, people = seed(system)
    base = system.base_url
    client, response = log_in(base, "admin", PASSWORD)
    assert response.status_code == 303 and response.headers["Location"] == "/dashboard"
    home = client.get(f"{base}/", allow_redirects=False)
    assert home.status_code == 303 and home.headers["Location"] == "/dashboard"

    page = client.get(f"{base}/dashboard")
    assert page.status_code == 200
    html = page.text
    assert card_ids(html) == {
        "card-contacts",
        "card-members",
        "card-month",
        "card-imports",
        "card-exports",
        "card-duplicates",
        "card-erasures",
        "card-changes",
        "upcoming-birthdays",
    }
    links = links_of(html)
    first_of_month = today().replace(day=1).isoformat()
    me = next(u["id"] for u in api.get("/api/v1/users").json()["items"] if u["username"] == "admin")
    assert links["contacts-total"] == "/contacts"
    assert links["members-total"] == "/contacts?member=true"
    assert links["members-joined"] == f"/contacts?joined_from={first_of_month}"
    assert links["members-left"] == f"/contacts?left_from={first_of_month}"
    assert (
        links["contacts-new-short"] == f"/contacts?created_from={(today() - timedelta(days=30)).isoformat()}"
    )
    assert links["imports-in-progress"] == "/imports"
    assert links["exports-in-progress"] == "/exports"
    assert links["duplicates-waiting"] == "/duplicates"
    assert links["erasures-pending"] == "/erasures"
    assert links["changes-all"] == f"/audit/users/{me}"

    # The figures, in Finnish number format, and the lists behind them show the same people.
    assert re.search(r'id="contacts-total">4<', html) and re.search(r'id="members-total">2<', html)
    assert re.search(r'id="members-joined">1<', html) and re.search(r'id="members-left">1<', html)
    members = client.get(f"{base}{links['members-total']}").text
    assert "Aino Kojelauta" in members and "Cecilia Kojelauta" in members
    assert "Dora Kojelauta" not in members and "Eero Kojelauta" not in members
    assert 'id="dashboard-filter-member"' in members and "Vain jäsenet" in members
    joined = client.get(f"{base}{links['members-joined']}").text
    assert "Cecilia Kojelauta" in joined and "Aino Kojelauta" not in joined
    left = client.get(f"{base}{links['members-left']}").text
    assert "Dora Kojelauta" in left and "Cecilia Kojelauta" not in left
    for link_id in ("imports-in-progress", "exports-in-progress", "duplicates-waiting", "erasures-pending"):
        assert client.get(f"{base}{links[link_id]}").status_code == 200, link_id
    assert "Eero Kojelauta" in html  # the round birthday card
    # My recent changes in words, newest first, with the changed contact's page linked.
    changes = html[html.index('id="changes-list"') :]
    assert changes.index("Lisäsi ryhmään") < changes.index("Loi")
    assert f'href="/contacts/{people["Eero"]}"' in changes
    assert client.get(f"{base}{links['changes-all']}").status_code == 200


def test_issue13_a_card_is_shown_only_to_who_may_open_its_list(system):
    seed(system)
    for username, role in (("lukija", "read_only"), ("maija", "staff"), ("tsv", "dpo")):
        system.create_user(username, PASSWORD, role=role)
    expected = {
        # read_only: contacts.view only
        "lukija": {"card-contacts", "card-members", "card-month", "card-duplicates", "upcoming-birthdays"},
        # staff: view, edit, export, import, audit.view
        "maija": {
            "card-contacts",
            "card-members",
            "card-month",
            "card-duplicates",
            "card-imports",
            "card-exports",
            "card-changes",
            "upcoming-birthdays",
        },
        # the data protection officer: view, export, audit.view, gdpr.officer
        "tsv": {
            "card-contacts",
            "card-members",
            "card-month",
            "card-duplicates",
            "card-erasures",
            "card-exports",
            "card-changes",
            "upcoming-birthdays",
        },
    }
    for username, cards in expected.items():
        client, response = log_in(system.base_url, username, PASSWORD)
        assert response.headers["Location"] == "/dashboard"
        page = client.get(f"{system.base_url}/dashboard")
        assert page.status_code == 200 and card_ids(page.text) == cards, username
        assert "/erasures" not in links_of(page.text).values() or username == "tsv"
    # The API gives the same cards, each its service's figures.
    api = system.api(system.token("lukija", PASSWORD))
    body = api.get("/api/v1/dashboard").json()
    assert set(body) == {"contacts", "birthdays"}
    assert body["contacts"]["contacts"]["total"] == 4 and body["contacts"]["erasures_pending"] is None


def test_issue13_a_service_that_does_not_answer_leaves_its_card_unavailable(
    run_services, config, clean_databases
):
    """Without the exports service the exports card says its figures are not available; the rest stands."""
    from services.exports.service import ExportsService

    # the missing card's deadline shortened (5 s in production): the page and the API each wait it out
    run_services(
        *(service for service in system_services() if service is not ExportsService),
        extra_config={"DASHBOARD_CARD_TIMEOUT": 2},
    )
    system = System(
        base_url=f"http://{config['WEB_SERVER_ADDRESS']}", gateway_engine=clean_databases["gateway"]
    )
    seed(system)
    client, _ = log_in(system.base_url, "admin", PASSWORD)
    page = client.get(f"{system.base_url}/dashboard")
    assert page.status_code == 200
    assert 'id="exports-unavailable"' in page.text and "Lukuja ei juuri nyt saatu" in page.text
    assert re.search(r'id="contacts-total">4<', page.text) and 'id="imports-in-progress"' in page.text
    body = system.api(system.token("admin", PASSWORD)).get("/api/v1/dashboard").json()
    assert body["exports"] is None and body["contacts"]["contacts"]["total"] == 4


@pytest.mark.browser
def test_issue13_the_dashboard_in_finnish_and_english_on_a_wide_screen_and_a_phone(system, browser):
    seed(system)
    SCREENS.mkdir(parents=True, exist_ok=True)
    browser.open("/login")
    browser.fill("#username", "admin")
    browser.fill("#password", PASSWORD)
    browser.click("#login-submit")
    browser.wait_for_url("**/dashboard")
    for language, title in (("fi", "Etusivu"), ("en", "Home")):
        browser.open(f"/lang/{language}?next=/dashboard")
        browser.wait_for_url("**/dashboard")
        assert browser.text("h1") == title
        for width in (1400, 390):
            browser.set_viewport_size({"width": width, "height": 900})
            browser.open("/dashboard")
            assert browser.evaluate("document.documentElement.scrollWidth") <= width, (language, width)
            browser.screenshot(path=str(SCREENS / f"dashboard-{language}-{width}.png"), full_page=True)
        browser.set_viewport_size({"width": 1400, "height": 900})
    assert "Members" in browser.text("#card-members") and "Joined" in browser.text("#card-month")
    # A card's number leads to its list.
    browser.click("#members-total")
    browser.wait_for_url("**/contacts?member=true")
    assert "Members only" in browser.text("#dashboard-filter-note")
    # ... and the filter stays while searching in that list.
    browser.fill("#q", "Aino")
    browser.click("#search-submit")
    browser.wait_for_url("**/contacts?q=Aino*")
    assert "member=true" in browser.path and "Aino Kojelauta" in browser.text("#contact-table")
    browser.screenshot(path=str(SCREENS / "members-list-en-1400.png"), full_page=True)


def test_issue13_the_dashboard_page_needs_a_login(system):
    response = requests.get(f"{system.base_url}/dashboard", allow_redirects=False)
    assert response.status_code == 303 and response.headers["Location"] == "/login?next=%2Fdashboard"
    assert csrf_of(requests.get(f"{system.base_url}/login").text)
