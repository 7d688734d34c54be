"""Issue 13 item 4 through the web routes: the contact list's selection and its bulk group actions. "All N
results" acts on exactly the search's rows for the user who acts (their data scope), a count that changed
since it was shown is refused, bad input (no selection, no or unknown group, over the limit) changes nothing
and says why in the user's language, a read-only user may not act; sorting keeps the search and filters; the
filters are counted in their folded summary."""

import re
from urllib.parse import urlencode

import requests

from tests.conftest import ADMIN_PASSWORD

PASSWORD = "Selection-test-password-1"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def web_session(system, username, password=PASSWORD):
    web = requests.Session()
    form = web.get(system.base_url + "/login")
    login = {"username": username, "password": password, "csrf_token": CSRF.search(form.text).group(1)}
    assert web.post(system.base_url + "/login", data=login, allow_redirects=False).status_code in (302, 303)
    return web


def csrf(web, system):
    return CSRF.search(web.get(system.base_url + "/contacts").text).group(1)


def people(api, last, cities):
    return [
        api.post("/api/v1/contacts", json={"first_name": f"H{n}", "last_name": last, "city": city}).json()[
            "id"
        ]
        for n, city in enumerate(cities)
    ]


def members(api, group_id):
    found = api.get(f"/api/v1/groups/{group_id}/members", params={"limit": 100}).json()["items"]
    return sorted(item["id"] for item in found)


def test_issue13_all_results_through_the_web_act_on_exactly_the_searchs_rows(system, admin_api):
    turku = people(admin_api, "Valintatesti", ["Turku"] * 3)
    people(admin_api, "Valintatesti", ["Oulu"])
    people(admin_api, "Muutesti", ["Turku"])
    group = admin_api.post("/api/v1/groups", json={"name": "Kuoro"}).json()["id"]
    admin_api.post(f"/api/v1/groups/{group}/members", json={"contact_ids": turku[:1]})
    web = web_session(system, "admin", ADMIN_PASSWORD)
    base = system.base_url

    # The list: filters counted in their summary, sort links keep the search and filters.
    page = web.get(base + "/contacts", params={"q": "valintatesti", "city": "Turku"}).text
    assert 'id="filters-toggle">Suodattimet <span class="filter-count">(1)</span>' in page
    assert 'href="/contacts?q=valintatesti&amp;city=Turku&amp;sort=city&amp;direction=asc"' in page
    assert 'name="search" value="q=valintatesti&amp;city=Turku"' in page
    sorted_page = web.get(
        base + "/contacts", params={"q": "valintatesti", "sort": "city", "direction": "desc"}
    )
    assert 'aria-sort="descending"' in sorted_page.text
    assert sorted_page.text.index("Turku") < sorted_page.text.index("Oulu")

    # The bulk page counts the search again and carries that count to the confirmation.
    search = urlencode({"q": "valintatesti", "city": "Turku"})
    step = web.get(
        base + "/groups/bulk", params={"action": "add", "all": "1", "search": search, "back": "/contacts"}
    )
    assert step.status_code == 200 and "Kaikki haun tulokset: 3 henkilöä." in step.text
    assert 'name="expected_count" value="3"' in step.text
    token = CSRF.search(step.text).group(1)
    form = {
        "csrf_token": token,
        "action": "add",
        "all": "1",
        "search": search,
        "back": "/contacts?q=valintatesti",
    }

    # The search finds another number than was shown: refused, nothing done, the new count shown.
    changed = web.post(base + "/groups/bulk", data={**form, "group_id": group, "expected_count": "2"})
    assert changed.status_code == 409
    assert "Haku löytää nyt 3 henkilöä, kun näit 2. Mitään ei muutettu" in changed.text
    assert members(admin_api, group) == turku[:1]

    # No group, an unknown group: the page again with why; nothing done.
    nothing = web.post(base + "/groups/bulk", data={**form, "expected_count": "3"})
    assert nothing.status_code == 422 and "Valitse ryhmä." in nothing.text
    unknown = web.post(
        base + "/groups/bulk",
        data={**form, "expected_count": "3", "group_id": "5f1c1f6e-0000-4000-8000-000000000000"},
    )
    assert unknown.status_code == 404 and 'id="bulk-errors"' in unknown.text
    assert members(admin_api, group) == turku[:1]

    # Done: exactly the search's three rows, back to the list with the result in words.
    done = web.post(base + "/groups/bulk", data={**form, "group_id": group, "expected_count": "3"})
    assert done.url.endswith("/contacts?q=valintatesti")
    assert "Ryhmään lisättiin 2 henkilöä, 1 oli jo jäseniä." in done.text
    assert f'href="/groups/{group}" id="flash-group"' in done.text
    assert members(admin_api, group) == sorted(turku)

    # Export from the same bar: all results are exported as the search (run again by the services).
    export = web.get(base + "/exports/new", params={"all": "1", "search": search, "back": "/contacts"})
    assert export.status_code == 200 and "Haku: valintatesti city=Turku" in export.text
    ticked = web.get(base + "/exports/new", params={"contact_ids": turku[:2], "search": search})
    assert "Valitut yhteystiedot (2)" in ticked.text

    # In English, and removing all results: the result in the user's language.
    web.get(base + "/lang/en?next=/contacts")
    removed = web.post(
        base + "/groups/bulk", data={**form, "action": "remove", "group_id": group, "expected_count": "3"}
    )
    assert "3 memberships ended, 0 were not direct members." in removed.text
    assert members(admin_api, group) == []


def test_issue13_ticked_rows_no_selection_and_the_limit(system, admin_api):
    ids = people(admin_api, "Rivitesti", ["Oulu", "Oulu"])
    group = admin_api.post("/api/v1/groups", json={"name": "Hallitus"}).json()["id"]
    web = web_session(system, "admin", ADMIN_PASSWORD)
    base = system.base_url
    token = csrf(web, system)

    # Ticked rows: those ids only.
    form = {"csrf_token": token, "action": "add", "group_id": group, "back": "/contacts", "search": ""}
    done = web.post(base + "/groups/bulk", data={**form, "contact_ids": ids[:1]})
    assert "Ryhmään lisättiin 1 henkilöä, 0 oli jo jäseniä." in done.text
    assert members(admin_api, group) == ids[:1]

    # Nothing ticked: the bulk page says so; the POST too, and nothing changes.
    empty = web.get(base + "/groups/bulk", params={"action": "add", "search": "", "back": "/contacts"})
    assert 'id="bulk-nothing"' in empty.text and 'id="bulk-form"' not in empty.text
    refused = web.post(base + "/groups/bulk", data=form)
    assert refused.status_code == 422 and "Valitse ainakin yksi henkilö." in refused.text

    # Over the limit of one bulk action (10,000): the page says so and offers no confirmation; a POST of
    # so many ids is refused by the service whole.
    many = [f"00000000-0000-4000-8000-{n:012d}" for n in range(10_001)]
    over = web.post(base + "/groups/bulk", data={**form, "contact_ids": many})
    assert over.status_code == 422
    assert members(admin_api, group) == ids[:1]

    # A search finding nobody: the bulk page says so, and a POST is refused with why.
    search = urlencode({"q": "eiketäänsellaista"})
    none = web.get(base + "/groups/bulk", params={"action": "add", "all": "1", "search": search})
    assert 'id="bulk-nothing"' in none.text and "Haku ei löydä nyt ketään." in none.text
    refused = web.post(base + "/groups/bulk", data={**form, "all": "1", "search": search})
    assert refused.status_code == 422 and "Haku ei löydä ketään, joten mitään ei muutettu." in refused.text


def test_issue13_the_scope_and_the_permission_of_the_user_who_acts(system, admin_api):
    """A user limited to Helsinki's members acting on "all results" acts on their own rows only; a
    read-only user sees no selection and may not post a bulk action."""
    helsinki = admin_api.post("/api/v1/groups", json={"name": "Helsinki"}).json()["id"]
    target = admin_api.post("/api/v1/groups", json={"name": "Retki", "parent_id": helsinki}).json()["id"]
    inside = people(admin_api, "Rajaustesti", ["Helsinki"])
    people(admin_api, "Rajaustesti", ["Turku", "Turku"])
    admin_api.post(f"/api/v1/groups/{helsinki}/members", json={"contact_ids": inside})
    staff = admin_api.post(
        "/api/v1/users", json={"username": "paikallinen", "password": PASSWORD, "role": "staff"}
    )
    admin_api.post(
        "/api/v1/user-groups",
        json={
            "name": "Helsingin toimisto",
            "member_ids": [staff.json()["id"]],
            "contact_group_ids": [helsinki],
        },
    )
    web = web_session(system, "paikallinen")
    base = system.base_url
    page = web.get(base + "/contacts", params={"q": "rajaustesti"}).text
    assert "1 osuma" in page and page.count('class="select-row select-contact"') == 1
    search = urlencode({"q": "rajaustesti"})
    step = web.get(base + "/groups/bulk", params={"action": "add", "all": "1", "search": search})
    assert "Kaikki haun tulokset: 1 henkilöä." in step.text
    form = {
        "csrf_token": CSRF.search(step.text).group(1),
        "action": "add",
        "all": "1",
        "search": search,
        "group_id": target,
    }
    assert web.post(base + "/groups/bulk", data={**form, "expected_count": "3"}).status_code == 409
    web.post(base + "/groups/bulk", data={**form, "expected_count": "1"})
    assert members(admin_api, target) == inside

    admin_api.post("/api/v1/users", json={"username": "lukija", "password": PASSWORD, "role": "read_only"})
    reader = web_session(system, "lukija")
    assert "data-selection" not in reader.get(base + "/contacts").text
    token = CSRF.search(reader.get(base + "/contacts").text or "") or CSRF.search(
        reader.get(base + "/account").text
    )
    refused = reader.post(
        base + "/groups/bulk", data={**form, "csrf_token": token.group(1), "expected_count": "1"}
    )
    assert refused.status_code == 403
    assert reader.get(base + "/groups/bulk", params={"action": "add"}).status_code == 403


def test_issue13_without_javascript_rows_all_results_and_actions_are_plain_form_controls(system, admin_api):
    """Progressive enhancement: the HTML alone offers labelled row boxes, "all N results" (a checkbox of
    the selection form, with the search), the actions as submit buttons and sort links; the script only
    adds "select all on this page" (hidden without it) and the counter's updates."""
    people(admin_api, "Ilmanskriptiä", ["Oulu"] * 26)
    web = web_session(system, "admin", ADMIN_PASSWORD)
    page = web.get(system.base_url + "/contacts", params={"q": "ilmanskriptiä"}).text
    assert page.count('class="select-row select-contact"') == 25
    assert page.count('class="visually-hidden">Valitse H') == 25  # each box has a label naming its row
    assert '<input type="checkbox" name="all" value="1" id="list-selection-all" data-select-all>' in page
    assert "Valitse kaikki 26 hakutulosta" in page
    assert 'name="search" value="q=ilmansk' in page
    assert 'formaction="/groups/bulk" name="action" value="add" id="bulk-add-to-group"' in page
    assert "data-select-page-wrap hidden" in page and 'aria-live="polite"' in page
    assert "data-selection-actions>" in page  # not hidden: without the script the actions are always there
