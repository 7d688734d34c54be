"""Issue 13 items 1 and 10 in headless Chromium: the header's area menus work by keyboard (disclosure
buttons, a visible focus ring on the blue header), "/" focuses the global search, typing shows suggestions
(an ARIA combobox), arrows and Enter open the person's page, Enter without a choice searches the contact
list, Escape closes; at 390 px one Menu button opens the areas and the closed header is about 60 px."""

import pytest

pytestmark = pytest.mark.browser

PASSWORD = "ylävalikon salasana 1"
FOCUS_RING = "rgb(255, 213, 74)"  # the header's yellow focus ring (gateway/static/piiri.css)


def log_in(browser, username):
    browser.open("/login?next=%2Fcontacts")
    browser.fill("#username", username)
    browser.fill("#password", PASSWORD)
    browser.click("#login-submit")
    browser.wait_for_url("**/contacts")


def key(browser, name):
    browser.call("keyboard.press", name)


def typed(browser, text):
    browser.call("keyboard.type", text)


def active_id(browser):
    return browser.evaluate("() => document.activeElement && document.activeElement.id")


def expanded(browser, selector):
    return browser.get_attribute(selector, "aria-expanded")


def test_issue13_menus_and_global_search_by_keyboard(system, browser):
    system.create_user("maija", PASSWORD, role="staff")
    api = system.api(system.token("maija", PASSWORD))
    eino = api.post("/api/v1/contacts", json={"first_name": "Eino", "last_name": "Äijälä", "city": "Oulu"})
    assert eino.status_code == 201, eino.text
    api.post(
        "/api/v1/contacts", json={"first_name": "Aino", "last_name": "Äijälä", "email": "aino@example.fi"}
    )
    log_in(browser, "maija")

    # The user's name is visible (white on the blue header) and the current area is marked.
    assert browser.text("#current-user") == "maija"
    assert browser.evaluate("() => getComputedStyle(document.getElementById('current-user')).color") == (
        "rgb(255, 255, 255)"
    )
    assert browser.get_attribute("#menu-contacts", "aria-current") == "true"
    assert browser.get_attribute("#nav-contacts", "aria-current") == "page"
    assert not browser.is_visible("#nav-groups")

    # Keyboard only: "/" focuses the search; Tab walks on through the languages and the account menu to
    # the area menus, each a disclosure button with a visible focus ring.
    key(browser, "/")
    assert active_id(browser) == "global-search"
    for _ in range(12):
        key(browser, "Tab")
        if active_id(browser) == "menu-contacts":
            break
    assert active_id(browser) == "menu-contacts"
    assert browser.evaluate("() => document.activeElement.tagName") == "BUTTON"
    ring = browser.evaluate(
        "() => { const s = getComputedStyle(document.activeElement); "
        "return [s.outlineStyle, s.outlineColor]; }"
    )
    assert ring == ["solid", FOCUS_RING]
    assert expanded(browser, "#menu-contacts") == "false"
    key(browser, "Enter")
    assert expanded(browser, "#menu-contacts") == "true" and browser.is_visible("#nav-groups")
    key(browser, "ArrowDown")
    assert active_id(browser) == "nav-contacts"
    key(browser, "ArrowDown")
    assert active_id(browser) == "nav-groups"
    key(browser, "Escape")  # closes, and the focus goes back to the button
    assert expanded(browser, "#menu-contacts") == "false" and not browser.is_visible("#nav-groups")
    assert active_id(browser) == "menu-contacts"
    # Opening another menu closes the first; Enter on a link follows it.
    key(browser, "Enter")
    key(browser, "Tab")
    assert active_id(browser) == "nav-contacts"
    browser.focus("#menu-transfer")
    key(browser, "Enter")
    assert expanded(browser, "#menu-transfer") == "true" and expanded(browser, "#menu-contacts") == "false"
    key(browser, "ArrowDown")
    assert active_id(browser) == "nav-imports"
    key(browser, "Enter")
    browser.wait_for_url("**/imports")
    assert browser.get_attribute("#menu-transfer", "aria-current") == "true"

    # "/" does not leave a field the user is typing in.
    browser.open("/contacts")
    browser.fill("#q", "")
    browser.focus("#q")
    typed(browser, "a/b")
    assert browser.input_value("#q") == "a/b" and active_id(browser) == "q"

    # "/" then typing: suggestions by name, an ARIA combobox with its listbox.
    browser.evaluate("() => document.activeElement.blur()")
    key(browser, "/")
    assert active_id(browser) == "global-search"
    typed(browser, "aijala")
    browser.wait_for_selector("#global-search-list:not([hidden])")
    assert expanded(browser, "#global-search") == "true"
    options = browser.eval_on_selector_all(
        "#global-search-list [role=option]", "els => els.map(e => e.innerText)"
    )
    names = [text.split("\n")[0] for text in options]
    assert sorted(names[:2]) == ["Aino Äijälä", "Eino Äijälä"]
    assert names[2] == "Kaikki tulokset haulle ”aijala”"
    assert (
        "aino@example.fi" in options[names.index("Aino Äijälä")]
        and "Oulu" in options[names.index("Eino Äijälä")]
    )
    assert browser.text("#global-search-status") == "2 ehdotusta."
    eino_at = names.index("Eino Äijälä")
    for _ in range(eino_at + 1):
        key(browser, "ArrowDown")
    assert (
        browser.get_attribute("#global-search", "aria-activedescendant") == f"global-search-option-{eino_at}"
    )
    assert browser.get_attribute(f"#global-search-option-{eino_at}", "aria-selected") == "true"
    assert active_id(browser) == "global-search"  # the focus stays in the box
    key(browser, "Enter")
    browser.wait_for_url(f"**/contacts/{eino.json()['id']}")
    assert browser.text("#contact-name") == "Eino Äijälä"

    # Escape closes the suggestions; Enter without a choice searches the contact list.
    key(browser, "/")
    typed(browser, "äijä")
    browser.wait_for_selector("#global-search-list:not([hidden])")
    key(browser, "Escape")
    assert browser.is_hidden("#global-search-list") and expanded(browser, "#global-search") == "false"
    assert browser.input_value("#global-search") == "äijä"
    key(browser, "Enter")
    browser.wait_for_url("**/contacts?q=*")
    assert "Eino Äijälä" in browser.text("#contact-table") and "Aino Äijälä" in browser.text("#contact-table")

    # The account menu: the account page and logout.
    browser.click("#current-user")
    assert expanded(browser, "#current-user") == "true"
    browser.click("#nav-account")
    browser.wait_for_url("**/account")
    browser.nav("#logout")
    browser.wait_for_url("**/login")


def test_issue13_the_phone_header_is_one_row_with_a_menu_button(system, browser):
    system.create_user("maija", PASSWORD, role="staff")
    browser.set_viewport_size({"width": 390, "height": 844})
    browser.open("/login")
    assert browser.is_visible("#lang-en")  # the login page keeps its language choice in view
    log_in(browser, "maija")

    height = browser.evaluate("() => document.getElementById('topbar').getBoundingClientRect().height")
    assert height <= 64, height
    assert browser.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert browser.is_visible("#menu-toggle") and browser.is_visible("#global-search")
    assert not browser.is_visible("#menu-contacts") and not browser.is_visible("#current-user")

    browser.click("#menu-toggle")
    assert expanded(browser, "#menu-toggle") == "true"
    assert browser.is_visible("#menu-contacts") and browser.is_visible("#current-user")
    assert browser.evaluate("() => document.documentElement.scrollWidth") <= 390
    browser.click("#menu-contacts")
    assert browser.is_visible("#nav-groups")
    browser.click("#nav-groups")
    browser.wait_for_url("**/groups")
    assert not browser.is_visible("#menu-contacts")  # a new page starts with the menu closed

    # Escape closes the menu and gives the focus back to the Menu button.
    browser.click("#menu-toggle")
    browser.focus("#menu-contacts")
    key(browser, "Escape")
    assert expanded(browser, "#menu-toggle") == "false" and active_id(browser) == "menu-toggle"
