"""Issue 13 item 4: productive lists. On the contact list: the filters folded behind "Suodattimet (1)" so the
results come first; rows ticked one by one, the whole page, then "all N results" with a counter read out;
the sticky action bar adds all N to a group chosen by typing in the picker, and the list says what was
done; a column sorted both ways (Finnish order, kept on the next page); compare opens for exactly two rows;
the same selection on a group's member list. The list at 1,400 and 390 px in Finnish and English, with the
selection bar showing (screenshots in $PIIRI_SCREENS, default /tmp/screens-lists), with no sideways
scrolling on a phone."""

import os
from pathlib import Path

import pytest

from tests.conftest import ADMIN_PASSWORD

pytestmark = pytest.mark.browser

SCREENS = Path(os.environ.get("PIIRI_SCREENS", "/tmp/screens-lists"))
CITIES = ("Aura", "Oulu", "Zürich", "Åbo", "Äänekoski", "Helsinki")


def people(api, count):
    """``count`` people called Listatesti with e-mails and cities (Åbo and Äänekoski sort after Zürich)."""
    ids = []
    for number in range(count):
        contact = {
            "first_name": f"Henkilö{number:02d}",
            "last_name": "Listatesti",
            "email": f"henkilo{number:02d}@example.org",
            "city": CITIES[number % len(CITIES)],
            "tags": ["lista"] if number % 2 else [],
        }
        ids.append(api.post("/api/v1/contacts", json=contact).json()["id"])
    return ids


def login(browser, target):
    browser.open(f"/login?next={target}")
    browser.fill("#username", "admin")
    browser.fill("#password", ADMIN_PASSWORD)
    browser.click("#login-submit")
    browser.wait_for_url(f"**{target}")


def cities(browser):
    cells = "#contact-table tbody tr td:nth-child(5)"  # the city column (after the checkbox)
    return browser.call("eval_on_selector_all", cells, "cells => cells.map(cell => cell.innerText)")


def test_issue13_select_all_results_add_them_to_a_group_sort_and_compare(system, browser):
    system.create_user("admin", ADMIN_PASSWORD, role="admin")
    api = system.api(system.token("admin", ADMIN_PASSWORD))
    ids = people(api, 30)
    api.post("/api/v1/contacts", json={"first_name": "Muu", "last_name": "Henkilö", "city": "Oulu"})
    board = api.post("/api/v1/groups", json={"name": "Hallitus"}).json()
    team = api.post("/api/v1/groups", json={"name": "Työryhmä", "parent_id": board["id"]}).json()
    api.post("/api/v1/groups", json={"name": "Kuoro"})
    api.post(f"/api/v1/groups/{team['id']}/members", json={"contact_ids": ids[:2]})

    login(browser, "/contacts")
    browser.open("/contacts?q=listatesti&tag=lista")
    # Results first: the filters are folded away, their summary says one is active.
    assert browser.evaluate("document.getElementById('filters').open") is False
    assert browser.text("#filters-toggle") == "Suodattimet (1)"
    assert browser.count("#contact-table tbody tr") == 15
    browser.set_viewport_size({"width": 390, "height": 900})  # the first row is near the top on a phone
    assert (
        browser.evaluate("document.querySelector('#contact-table tbody tr').getBoundingClientRect().top")
        < 560
    )
    browser.click("#filters-toggle")
    assert browser.input_value("#filter-tag") == "lista"
    assert browser.evaluate("document.documentElement.scrollWidth") <= 390
    browser.screenshot(path=str(SCREENS / "contacts-filters-open-fi-390.png"), full_page=True)
    browser.set_viewport_size({"width": 1400, "height": 900})
    browser.open("/contacts?q=listatesti")
    assert browser.text("#filters-toggle") == "Suodattimet"
    assert browser.text("#result-count") == "30 osumaa"
    assert browser.count("#contact-table tbody tr") == 25

    # No selection: the bar only says how to start; one row, then the whole page, then all 30.
    assert browser.text("#list-selection-count") == "Valitse rivit ja sitten toiminto."
    assert not browser.is_visible("#bulk-add-to-group")
    # By keyboard: the page's box comes just before the sort links, a row's box after them; Space ticks.
    browser.focus("#sort-name")
    browser.call("keyboard.press", "Shift+Tab")
    assert browser.evaluate("document.activeElement.id") == "list-selection-page"
    browser.focus("#sort-birth_date")
    browser.call("keyboard.press", "Tab")
    assert browser.evaluate("document.activeElement.value") == ids[0]
    browser.call("keyboard.press", "Space")
    assert browser.text("#list-selection-count") == "Valittuna 1"
    assert browser.evaluate("getComputedStyle(document.activeElement).boxShadow") != "none"  # visible focus
    assert browser.is_visible("#bulk-add-to-group") and not browser.is_visible("#list-selection-all")
    browser.check("#list-selection-page")
    assert browser.text("#list-selection-count") == "Valittuna 25"
    assert browser.text("[data-select-all-offer]") == "Valitse kaikki 30 hakutulosta"
    browser.check("#list-selection-all")
    assert browser.text("#list-selection-count") == "Valittuna kaikki 30 hakutulosta"
    assert browser.get_attribute("#list-selection-count", "aria-live") == "polite"
    assert browser.is_disabled("#compare-selected")
    for language, width in (("fi", 1400), ("fi", 390), ("en", 390), ("en", 1400)):
        if language == "en" and width == 390:
            browser.open("/lang/en?next=/contacts?q=listatesti")
            browser.check("#list-selection-page")
            browser.check("#list-selection-all")
            assert browser.text("#list-selection-count") == "All 30 results selected"
        browser.set_viewport_size({"width": width, "height": 900})
        assert browser.evaluate("document.documentElement.scrollWidth") <= width, (language, width)
        browser.screenshot(path=str(SCREENS / f"contacts-selected-{language}-{width}.png"), full_page=False)
    browser.set_viewport_size({"width": 1400, "height": 900})
    browser.open("/lang/fi?next=/contacts?q=listatesti")
    browser.check("#list-selection-page")
    browser.check("#list-selection-all")

    # Add to a group: the bulk page counts the search again; typing "työ" leaves one group, chosen.
    browser.click("#bulk-add-to-group")
    browser.wait_for_url("**/groups/bulk?**")
    assert browser.text("#bulk-count").startswith("Kaikki haun tulokset: 30 henkilöä.")
    assert "listatesti" in browser.text("#bulk-query")
    browser.fill("#bulk-group-filter", "työ")
    assert browser.text("#bulk-group-found") == "Löytyi 1"
    assert browser.input_value("#bulk-group") == team["id"]
    browser.screenshot(path=str(SCREENS / "bulk-picker-fi-1400.png"), full_page=True)
    browser.set_viewport_size({"width": 390, "height": 900})
    assert browser.evaluate("document.documentElement.scrollWidth") <= 390
    browser.screenshot(path=str(SCREENS / "bulk-picker-fi-390.png"), full_page=True)
    browser.set_viewport_size({"width": 1400, "height": 900})
    browser.click("#bulk-confirm")
    browser.wait_for_url("**/contacts?q=listatesti")
    assert browser.text("#flash") == "Ryhmään lisättiin 28 henkilöä, 2 oli jo jäseniä. Avaa ryhmä"
    members = api.get(f"/api/v1/groups/{team['id']}/members", params={"limit": 100}).json()["items"]
    assert sorted(item["id"] for item in members) == sorted(ids)

    # Sort by city: Finnish order (Åbo, Äänekoski after Zürich), both ways, kept on the next page.
    browser.click("#sort-city")
    browser.wait_for_url("**sort=city**")
    assert browser.get_attribute("#contact-table th:has(#sort-city)", "aria-sort") == "ascending"
    assert cities(browser) == ["Aura"] * 5 + ["Helsinki"] * 5 + ["Oulu"] * 5 + ["Zürich"] * 5 + ["Åbo"] * 5
    assert "sort=city" in browser.get_attribute("#next-page", "href")
    browser.click("#next-page")
    browser.wait_for_url("**cursor=**")
    assert cities(browser) == ["Äänekoski"] * 5
    assert browser.get_attribute("#contact-table th:has(#sort-city)", "aria-sort") == "ascending"
    browser.open("/contacts?q=listatesti&sort=city")
    browser.click("#sort-city")
    browser.wait_for_url("**direction=desc**")
    assert browser.get_attribute("#contact-table th:has(#sort-city)", "aria-sort") == "descending"
    assert cities(browser)[0] == "Äänekoski"

    # Compare: enabled for exactly two ticked rows, and opens them side by side.
    browser.open("/contacts?q=listatesti")
    browser.check(f"input.select-row[value='{ids[0]}']")
    assert browser.is_disabled("#compare-selected")
    browser.check(f"input.select-row[value='{ids[1]}']")
    assert browser.is_enabled("#compare-selected")
    browser.click("#compare-selected")
    browser.wait_for_url("**/compare?**")
    assert "Henkilö00 Listatesti" in browser.text() and "Henkilö01 Listatesti" in browser.text()

    # The group's member list has the same selection: remove two from this group (offered first).
    browser.open(f"/groups/{team['id']}")
    browser.check(f"#member-table input.select-row[value='{ids[0]}']")
    browser.check(f"#member-table input.select-row[value='{ids[1]}']")
    assert browser.text("#member-selection-count") == "Valittuna 2"
    offer = browser.call("text_content", "#member-selection [data-select-all-offer]")
    assert " ".join(offer.split()) == "Valitse kaikki 30 jäsentä"  # shown once the whole page is ticked
    assert not browser.is_visible("#member-selection [data-select-all-offer]")
    browser.click("#bulk-remove-from-group")
    browser.wait_for_url("**/groups/bulk?**")
    assert browser.input_value("#bulk-group") == team["id"]
    browser.click("#bulk-confirm")
    browser.wait_for_url(f"**/groups/{team['id']}")
    assert browser.text("#flash").startswith("Jäsenyys päätettiin 2 henkilöltä, 0 ei ollut")
    assert "Henkilö00" not in browser.text("#member-table")
    browser.click("#sort-city")  # the same sortable heads
    browser.wait_for_url("**sort=city**")
    assert browser.get_attribute("#member-table th:has(#sort-city)", "aria-sort") == "ascending"
    first_city = browser.call(
        "eval_on_selector", "#member-table tbody tr td:nth-child(6)", "cell => cell.innerText"
    )
    assert first_city == "Aura"
    browser.set_viewport_size({"width": 390, "height": 900})
    browser.check("#member-selection-page")
    assert browser.evaluate("document.documentElement.scrollWidth") <= 390
    browser.screenshot(path=str(SCREENS / "group-members-selected-fi-390.png"), full_page=False)
