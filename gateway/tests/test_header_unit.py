"""Issue 13 items 1 and 10, fast: the header's menus as base.html renders them for different permissions
and pages (gateway/templates/_menu.html, each area's _nav.html), and the suggestion route's pure parts
(gateway/global_search/web.py). The whole route is tested end to end in tests/e2e/test_global_search.py,
the keyboard and the mobile menu in tests/browser/test_header_ui.py."""

import re

import pytest

import gateway.service  # noqa: F401  (every area registered)
from gateway.global_search.web import MAX_CHARS, search_words, suggestion, suggestions_body
from gateway.i18n import Translator
from gateway.request_guard import MalformedRequest
from gateway.web_helpers import render_html, static_file, static_url

EVERYTHING = {
    "contacts.view", "contacts.edit", "contacts.delete", "contacts.export", "contacts.import", "audit.view",
    "users.manage", "groups.manage", "fields.manage", "automations.manage", "gdpr.officer", "mail.send",
    "invoices.manage",
}  # fmt: skip
MENUS = ("contacts", "transfer", "communication", "billing", "data-protection", "admin")
# Every link the header had before the menus (tests and browser tests use these ids), and where it leads.
OLD_LINKS = {
    "nav-dashboard": "/dashboard",
    "nav-groups": "/groups",
    "nav-saved-searches": "/saved-searches",
    "nav-advanced-search": "/contacts/advanced",
    "nav-automations": "/automations",
    "nav-duplicates": "/duplicates",
    "nav-data-protection": "/data-protection/retention",
    "nav-erasures": "/erasures",
    "nav-exports": "/exports",
    "nav-mailing": "/mailing",
    "nav-imports": "/imports",
    "nav-surveys": "/surveys",
    "nav-billing": "/billing",
    "nav-audit": "/audit",
    "nav-admin": "/admin/users",
    "nav-custom-fields": "/settings/custom-fields",
}


class FakePrincipal:
    def __init__(self, permissions, username="maija"):
        self.permissions = set(permissions)
        self.user = {"username": username, "id": "u1"}

    def can(self, permission):
        return permission in self.permissions


def header(permissions=EVERYTHING, current="/contacts", language="fi"):
    principal = FakePrincipal(permissions) if permissions is not None else None
    html = render_html(
        "error.html",
        language,
        principal=principal,
        user=principal.user if principal else None,
        csrf_token="token",
        can={},
        flash=None,
        current=current,
        status=404,
        message_key="error.404",
        incident="",
        detail=None,
    )
    return html.split("<main", 1)[0]


def link_ids(html):
    return set(re.findall(r'<a [^>]*id="(nav-[a-z-]+)"', html))


def menu_ids(html):
    return [key for key in re.findall(r'id="menu-([a-z-]+)"', html) if key != "toggle"]


def current_of(html):
    return re.findall(r'<a [^>]*id="([a-z-]+)"[^>]*aria-current="(page|true)"', html)


def test_every_old_header_link_is_in_the_menus_with_its_id_and_address():
    html = header()
    for link_id, href in OLD_LINKS.items():
        assert re.search(rf'<a [^>]*href="{re.escape(href)}" id="{link_id}"', html), link_id
    assert menu_ids(html) == list(MENUS)
    # Each top-level menu is a link to its first page (without JavaScript) and a list of its links.
    assert re.search(r'<a class="menu-top" href="/contacts" id="menu-contacts"', html)
    assert re.search(r'<a class="menu-top" href="/admin/users" id="menu-admin"', html)
    assert 'id="submenu-data-protection"' in html and 'id="menu-toggle"' in html


def test_the_menus_keep_the_permission_gates_and_an_empty_menu_is_left_out():
    read_only = header({"contacts.view"})
    assert menu_ids(read_only) == ["contacts"]
    assert link_ids(read_only) == {
        "nav-dashboard", "nav-contacts", "nav-groups", "nav-saved-searches", "nav-advanced-search",
        "nav-duplicates", "nav-account",
    }  # fmt: skip
    staff = header({"contacts.view", "contacts.edit", "contacts.export", "contacts.import", "audit.view"})
    assert menu_ids(staff) == ["contacts", "transfer", "communication", "data-protection"]
    assert {"nav-imports", "nav-exports", "nav-surveys", "nav-applications", "nav-audit"} <= link_ids(staff)
    assert not {"nav-mailing", "nav-erasures", "nav-data-protection", "nav-admin"} & link_ids(staff)
    # Import & export leads to exports first when the user may not import.
    exporter = header({"contacts.view", "contacts.export"})
    assert re.search(r'<a class="menu-top" href="/exports" id="menu-transfer"', exporter)
    # No contacts.view: no global search (its route would refuse them).
    assert 'id="global-search"' in staff and 'id="global-search"' not in header({"users.manage"})
    # Nobody logged in (the login page): no menus, no search, no account; the languages stay.
    anonymous = header(None, current="/login")
    assert menu_ids(anonymous) == [] and 'id="global-search"' not in anonymous
    assert 'id="current-user"' not in anonymous and 'id="lang-sv"' in anonymous


@pytest.mark.parametrize(
    "path, link, menu",
    [
        ("/contacts", ("nav-contacts", "page"), "contacts"),
        ("/contacts?q=virtanen", ("nav-contacts", "page"), "contacts"),
        ("/contacts/7f1c6b9e-0000-4000-8000-000000000000", ("nav-contacts", "true"), "contacts"),
        ("/contacts/advanced", ("nav-advanced-search", "page"), "contacts"),
        ("/compare", ("nav-duplicates", "true"), "contacts"),
        ("/groups/abc", ("nav-groups", "true"), "contacts"),
        ("/billing", ("nav-billing", "page"), "billing"),
        ("/billing/invoices/abc", ("nav-billing-invoices", "true"), "billing"),
        ("/billing/runs/abc", ("nav-billing-new-run", "true"), "billing"),
        ("/erasures/abc", ("nav-erasures", "true"), "data-protection"),
        ("/admin/user-groups/abc", ("nav-admin-user-groups", "true"), "admin"),
        ("/settings/custom-fields", ("nav-custom-fields", "page"), "admin"),
    ],
)
def test_the_current_page_and_its_area_are_marked(path, link, menu):
    html = header(current=path)
    marked = current_of(html)
    assert link in marked, marked
    assert ("menu-" + menu, "true") in marked, marked
    assert len([found for found in marked if found[0].startswith("nav-")]) == 1, marked


def test_the_account_menu_shows_the_name_and_holds_the_account_page_and_logout():
    html = header(current="/account")
    assert re.search(r'id="current-user" href="/account"[^>]*aria-current="true"', html)
    assert 'aria-label="Käyttäjätili: maija">maija</a>' in html
    assert re.search(r'<a href="/account" id="nav-account" aria-current="page">Oma tili</a>', html)
    assert re.search(
        r'<form method="post" action="/logout"[^>]*>\s*<input type="hidden" name="csrf_token"', html
    )
    assert 'id="logout">Kirjaudu ulos</button>' in html


def test_the_header_speaks_each_language():
    words = {
        "fi": ("Valikko", "Tuonti ja vienti", "Hae yhteystietoja"),
        "sv": ("Meny", "Import och export", "Sök kontakter"),
        "en": ("Menu", "Import &amp; export", "Search contacts"),
    }
    for language, expected in words.items():
        html = header(language=language)
        for word in expected:
            assert word in html, (language, word)


def test_the_script_is_served_with_a_content_hash_and_a_javascript_type():
    assert re.fullmatch(r"/static/piiri\.js\?v=[0-9a-f]{10}", static_url("piiri.js"))
    response = static_file("piiri.js")
    assert response is not None and response.mimetype in ("text/javascript", "application/javascript")
    assert f'<script src="{static_url("piiri.js")}"></script>' in header()


def test_a_search_no_search_takes_is_refused_with_a_400():
    assert search_words("  Äijälä ") == "Äijälä"
    assert search_words(None) == ""
    assert search_words("x" * MAX_CHARS) == "x" * MAX_CHARS
    for bad in ("x" * (MAX_CHARS + 1), "a\x01b", "a\tb", "a\nb", "\x7f", "a\x85b"):
        with pytest.raises(MalformedRequest) as refused:
            search_words(bad)
        assert refused.value.status == 400 and refused.value.message == "request.invalid_values"
        (finding,) = refused.value.details["q"]
        assert Translator("fi").service_message(finding).startswith(("Enintään", "Vain kirjaimia"))


def test_a_suggestion_names_the_contact_and_what_identifies_it():
    item = {
        "id": "c1", "kind": "person", "display_name": "Eino Äijälä", "email": "eino@example.fi",
        "phone": "+358401234567", "city": None,
    }  # fmt: skip
    assert suggestion(item) == {
        "id": "c1",
        "name": "Eino Äijälä",
        "kind": "person",
        "detail": ["eino@example.fi", "+358 40 1234567"],
        "url": "/contacts/c1",
    }
    body = suggestions_body("äiji & co", [item], Translator("sv"))
    assert body["all"] == {"url": "/contacts?q=%C3%A4iji+%26+co", "label": "Alla träffar för ”äiji & co”"}
    assert body["status"] == "1 förslag."
    assert suggestions_body("x", [], Translator("en"))["status"] == "No matches."
