"""Issue 13 item 10 in headless Chromium, by keyboard only (Tab, Shift+Tab, Space, Enter, arrows, typing):
log in; skip to the content; "/" to the global search, the suggestions, arrows and Enter to a person; every
action of the contact page reached by Tab, in the order of the page, each with a visible focus ring; on the
contact list, the search and a filter, ticking rows and adding them to a group, and paging."""

import os
from pathlib import Path

import pytest

from tests.conftest import ADMIN_PASSWORD

pytestmark = pytest.mark.browser

SCREENS = Path(os.environ.get("PIIRI_SCREENS", "/tmp/screens-axe"))  # as test_accessibility_ui.py

# What has the keyboard now, and whether it shows a focus ring: an opaque outline of 2 px or more (the
# header's), or a box-shadow ring (the stylesheet's: a white gap, then the brand blue) with an opaque layer
# of 2 px or more that stands out 3:1 against white. A faint ring (the old rgba(…, 0.35)) is no ring.
FOCUSED_JS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const opaque = color => /^rgb\\(/.test(color);
    const luminance = rgb => {
        const linear = c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        const [r, g, b] = rgb.map(c => linear(c / 255));
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2
        && opaque(style.outlineColor);
    const ring = /rgb\\((\\d+), (\\d+), (\\d+)\\) 0px 0px \\d+px (\\d+)px(?! inset)/g;
    const layers = [...style.boxShadow.matchAll(ring)];
    const shadow = layers.some(layer => Number(layer[4]) >= 2
        && 1.05 / (luminance(layer.slice(1, 4).map(Number)) + 0.05) >= 3);
    const text = (el.innerText || el.value || el.name || "").trim().slice(0, 40);
    const label = el.id ? "#" + el.id : el.tagName.toLowerCase() + " " + text;
    return {label, ring: outline || shadow, key: el.dataset.keyboard || null, inMain: !!el.closest("main"),
            visible: el.checkVisibility() && el.getBoundingClientRect().width > 0};
}"""

# The elements of <main> that Tab must reach, in document order, each marked with data-keyboard="<n>":
# links, buttons, fields and summaries that are shown and not taken out of the tab order; of a group of
# radio buttons only the checked one (or the first) is a stop.
MARK_TAB_STOPS_JS = """() => {
    const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]";
    const radios = new Set();
    const stops = [...document.querySelector("main").querySelectorAll(selector)].filter(el => {
        if (el.disabled || el.tabIndex < 0 || !el.checkVisibility({visibilityProperty: true})) return false;
        if (el.closest("details:not([open])") && el.tagName !== "SUMMARY") return false;
        if (el.type === "radio") {
            const group = el.form ? el.form.elements[el.name] : document.getElementsByName(el.name);
            const chosen = [...group].find(radio => radio.checked) || group[0];
            if (el !== chosen || radios.has(el.name)) return false;
            radios.add(el.name);
        }
        return true;
    });
    stops.forEach((el, n) => { el.dataset.keyboard = String(n); });
    const text = el => (el.innerText || el.value || el.name || "").trim().slice(0, 40);
    return stops.map(el => el.id ? "#" + el.id : el.tagName.toLowerCase() + " " + text(el));
}"""


def key(browser, name):
    browser.call("keyboard.press", name)


def typed(browser, text):
    browser.call("keyboard.type", text)


def focused(browser):
    return browser.evaluate(FOCUSED_JS)


def active_id(browser):
    return browser.evaluate("() => document.activeElement && document.activeElement.id")


def tab_to(browser, selector, limit=120, backwards=False):
    """Press Tab (Shift+Tab) until the element matching ``selector`` has the keyboard; it must show a
    focus ring. Fails if it is not reached in ``limit`` presses."""
    for _ in range(limit):
        key(browser, "Shift+Tab" if backwards else "Tab")
        if browser.evaluate("selector => document.activeElement.matches(selector)", selector):
            now = focused(browser)
            assert now["ring"] and now["visible"], f"{selector} has the keyboard but no visible focus ring"
            return
    raise AssertionError(
        f"{selector} was not reached by {'Shift+' if backwards else ''}Tab in {limit} presses"
    )


def test_issue13_10_log_in_search_and_use_the_contact_page_by_keyboard_only(system, browser):
    system.create_user("admin", ADMIN_PASSWORD, role="admin")
    api = system.api(system.token("admin", ADMIN_PASSWORD))
    eino = api.post(
        "/api/v1/contacts",
        json={"first_name": "Eino", "last_name": "Äijälä", "email": "eino@example.fi", "phone": "0401234567",
              "street": "Kauppakatu 1", "postal_code": "90100", "city": "Oulu", "tags": ["kuoro"]},
    )  # fmt: skip
    assert eino.status_code == 201, eino.text
    eino = eino.json()["id"]
    group = api.post("/api/v1/groups", json={"name": "Kuoro"}).json()["id"]
    assert api.post(f"/api/v1/groups/{group}/members", json={"contact_ids": [eino]}).ok

    # Log in: the user name field has the keyboard when the page opens; Tab, type, Tab, Enter.
    browser.open("/login")
    assert active_id(browser) == "username"
    typed(browser, "admin")
    key(browser, "Tab")
    assert active_id(browser) == "password"
    typed(browser, ADMIN_PASSWORD)
    key(browser, "Tab")
    assert focused(browser) == {**focused(browser), "label": "#login-submit", "ring": True}
    key(browser, "Enter")
    browser.wait_for_url("**/dashboard")

    # The first Tab shows the skip link; Enter on it takes the next Tab into the page's content.
    key(browser, "Tab")
    skip = focused(browser)
    assert (
        skip["ring"] and skip["visible"] and browser.evaluate("() => document.activeElement.hash") == "#main"
    )
    assert browser.evaluate("() => document.activeElement.getBoundingClientRect().left") >= 0
    key(browser, "Enter")
    key(browser, "Tab")
    assert focused(browser)["inMain"], focused(browser)

    # "/" focuses the global search; typing shows suggestions; Down and Enter open the person.
    browser.evaluate("() => document.activeElement.blur()")
    key(browser, "/")
    assert active_id(browser) == "global-search" and focused(browser)["ring"]
    typed(browser, "aijala")
    browser.wait_for_selector("#global-search-list:not([hidden])")
    key(browser, "ArrowDown")
    assert browser.get_attribute("#global-search", "aria-activedescendant") == "global-search-option-0"
    assert "Eino Äijälä" in browser.text("#global-search-option-0")
    key(browser, "Enter")
    browser.wait_for_url(f"**/contacts/{eino}")

    # Every action of the contact page, reached by Tab in the page's order, each with a visible ring; and
    # Shift+Tab goes back.
    stops = browser.evaluate(MARK_TAB_STOPS_JS)
    assert {"#edit-contact", "#contact-vcard", "#delete-contact"} <= set(stops), stops
    assert len(stops) > 15, stops  # the cards' forms and links are there: groups, data protection, ...
    reached, missing_ring = [], []
    for _ in range(len(stops) + 60):
        key(browser, "Tab")
        now = focused(browser)
        if now and now["inMain"]:
            if not reached or reached[-1] != now["key"]:  # a date field's day, month and year are one stop
                reached.append(now["key"])
            if not (now["ring"] and now["visible"]):
                missing_ring.append(now["label"])
        elif reached:
            break  # out of the content again
    assert reached == [str(n) for n in range(len(stops))], (
        f"Tab reached {[stops[int(k)] if k else None for k in reached]}, the page has {stops}"
    )
    assert not missing_ring, f"no visible focus ring on {missing_ring}"
    browser.focus("#delete-contact")
    SCREENS.mkdir(parents=True, exist_ok=True)
    browser.screenshot(path=str(SCREENS / "keyboard-contact-focus-fi-1280.png"))
    key(browser, "Shift+Tab")
    assert focused(browser)["key"] == str(stops.index("#delete-contact") - 1)
    # Enter on an action follows it.
    browser.focus("#edit-contact")
    key(browser, "Enter")
    browser.wait_for_url(f"**/contacts/{eino}/edit")


def test_issue13_10_search_filter_select_and_page_the_contact_list_by_keyboard_only(system, browser):
    """The contact list by keyboard: search, paging, the folded filters, ticking rows and the action bar
    (tests/browser/test_lists_ui.py covers sorting and 'all N results')."""
    system.create_user("admin", ADMIN_PASSWORD, role="admin")
    api = system.api(system.token("admin", ADMIN_PASSWORD))
    for number in range(1, 28):  # 27: more than one page (25)
        body = {"first_name": f"Henkilö{number:02d}", "last_name": "Näppäimistö"}
        if number % 2:
            body["tags"] = ["kuoro"]
        assert api.post("/api/v1/contacts", json=body).status_code == 201
    group = api.post("/api/v1/groups", json={"name": "Kuoro"}).json()["id"]
    browser.open("/login?next=/contacts")
    browser.fill("#username", "admin")
    browser.fill("#password", ADMIN_PASSWORD)
    key(browser, "Enter")
    browser.wait_for_selector(
        "#contact-table"
    )  # the list (the login page's own address ends in /contacts too)

    # Search: Tab to the list's search box, type, Enter.
    tab_to(browser, "#q")
    typed(browser, "näppäimistö")
    key(browser, "Enter")
    browser.wait_for_url("**/contacts?q=*")
    assert browser.count("#contact-table tbody tr") == 25

    # Paging: Tab to "next", Enter; Shift+Tab back to "first page", Enter.
    tab_to(browser, "#next-page")
    key(browser, "Enter")
    browser.wait_for_url("**cursor=*")
    assert browser.count("#contact-table tbody tr") == 2
    tab_to(browser, "#first-page")
    key(browser, "Enter")
    browser.wait_for_selector("#next-page")
    assert browser.count("#contact-table tbody tr") == 25

    # A filter: Tab to the tag filter, type, Enter: 14 of the 27 have the tag.
    browser.evaluate("() => document.activeElement.blur()")
    tab_to(browser, "#filters-toggle")  # the filters are folded behind their button (issue 13 item 4)
    key(browser, "Enter")
    tab_to(browser, "#filter-tag")
    typed(browser, "kuoro")
    key(browser, "Enter")
    browser.wait_for_url("**tag=kuoro*")
    assert browser.count("#contact-table tbody tr") == 14

    # Selection: Tab to the first two rows' boxes, Space ticks each; Tab on to "Add to group", Enter.
    tab_to(browser, "#contact-table .select-contact")
    key(browser, "Space")
    tab_to(browser, "#contact-table tbody tr:nth-child(2) .select-contact")
    key(browser, "Space")
    SCREENS.mkdir(parents=True, exist_ok=True)
    browser.screenshot(path=str(SCREENS / "keyboard-list-selection-fi-1280.png"))
    ticked = browser.eval_on_selector_all(".select-contact", "boxes => boxes.map(box => box.checked)")
    assert ticked[:3] == [True, True, False] and sum(ticked) == 2
    tab_to(browser, "#bulk-add-to-group")
    key(browser, "Enter")
    browser.wait_for_url("**/groups/bulk?*")
    assert browser.text("#bulk-count") == "Valittuja henkilöitä: 2."
    # The group by typing its name in the focused select, then Enter on the confirm button.
    tab_to(browser, "#bulk-group")
    typed(browser, "Kuoro")
    assert browser.input_value("#bulk-group") == group
    tab_to(browser, "#bulk-confirm")
    key(browser, "Enter")
    browser.wait_for_selector("#flash")  # back on the list, told what was done
    assert browser.text("#flash").startswith("Ryhmään lisättiin 2 henkilöä")
    members = api.get(f"/api/v1/groups/{group}/members").json()["items"]
    assert sorted(member["display_name"] for member in members) == [
        "Henkilö01 Näppäimistö",
        "Henkilö03 Näppäimistö",
    ]
