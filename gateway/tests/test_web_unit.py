"""Fast tests of the web UI's pieces: translations, templates, formatting, form parsing, safe redirects."""

import re
import string
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

import gateway.service  # noqa: F401  (every route module registers its sections)
from gateway import web_helpers
from gateway.contacts.web import display_name_of
from gateway.i18n import LANGUAGES, Translator, pick_language
from gateway.i18n import messages as catalog
from gateway.selection import list_sorting, search_text
from gateway.web_helpers import (
    FLASH_KEYS,
    FORM_GROUPS,
    audit_rows,
    contact_form_data,
    contact_form_values,
    field_errors,
    format_date,
    format_datetime,
    format_phone,
    render_html,
    safe_next,
    static_file,
)
from piiri.errors import coded, is_code
from services.contacts.contract import EDITABLE_FIELDS, FLAT_FIELDS, KINDS, ContactInput, WholeContactRules
from services.contacts.contract import LANGUAGES as CONTACT_LANGUAGES

GATEWAY_DIR = Path(web_helpers.__file__).parent
# The shared templates and the contacts area's (the contact list, page and form).
TEMPLATE_DIRS = (GATEWAY_DIR / "templates", GATEWAY_DIR / "contacts" / "templates")
KEY_IN_SOURCE = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z_.]+)["']""")


def placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# --- translations -------------------------------------------------------------------------------------


def test_every_key_is_in_both_languages_with_the_same_placeholders():
    assert set(LANGUAGES) == {"fi", "sv", "en"}
    assert set(catalog("fi")) == set(catalog("sv")) == set(catalog("en"))
    for key, finnish in catalog("fi").items():
        swedish, english = catalog("sv")[key], catalog("en")[key]
        assert finnish.strip() and swedish.strip() and english.strip(), key
        assert placeholders(finnish) == placeholders(swedish) == placeholders(english), key


def test_every_key_the_templates_and_routes_use_exists():
    sources = [path.read_text() for folder in TEMPLATE_DIRS for path in folder.glob("*.html")]
    sources += [
        (GATEWAY_DIR / "web_helpers.py").read_text(),
        (GATEWAY_DIR / "core.py").read_text(),
        (GATEWAY_DIR / "contacts" / "web.py").read_text(),
        (GATEWAY_DIR / "site" / "web.py").read_text(),
        (GATEWAY_DIR / "account" / "web.py").read_text(),
    ]
    used = {key for source in sources for key in KEY_IN_SOURCE.findall(source)}
    used |= {f"field.{name}" for name in EDITABLE_FIELDS}
    used |= {f"kind.{kind}" for kind in KINDS}
    used |= {f"language.{code}" for code in CONTACT_LANGUAGES}
    used |= {f"lang.{code}" for code in LANGUAGES}
    used |= {f"error.{status}" for status in (400, 403, 404, 409, 500, 503)}
    used |= {group for group, _ in FORM_GROUPS} | set(FLASH_KEYS)
    used |= {"login.wrong", "login.throttled", "login.expired_form", "error.csrf"}
    assert len(used) > 60
    assert used <= set(catalog("fi")), sorted(used - set(catalog("fi")))


def test_finnish_is_the_default_and_unknown_languages_fall_back_to_it():
    assert pick_language(None) == "fi"
    assert pick_language("de") == "fi"
    assert pick_language("sv") == "sv"
    assert pick_language("en") == "en"
    assert Translator("xx")("login.title") == "Kirjaudu sisään"
    assert Translator("en")("login.title") == "Log in"
    assert Translator("en")("no.such.key") == "no.such.key"


def test_audit_actions_are_translated():
    t = Translator("fi")
    assert t.action("contact.viewed") == "katseli"
    assert t.action("contact.listed") == "näki listassa"
    assert t.action("contact.created") == "loi"
    assert t.action("contact.updated") == "muutti"
    assert t.action("audit.subject_viewed") == "katseli lokia"
    assert Translator("en").action("contact.deleted") == "deleted"
    assert t.action("something.new") == "something.new"


def contact_findings(data, partial=False):
    try:
        ContactInput(partial=partial).load(data)
    except ValidationError as exc:
        return exc.normalized_messages()
    return WholeContactRules().validate(data)


@pytest.mark.parametrize(
    "data",
    [
        {"email": "not-an-address"},
        {"phone": "12"},
        {"phone": "+358 1"},
        {"birth_date": "1870-01-01"},
        {"birth_date": "31.12.1990"},
        {"first_name": "x" * 101},
        {"kind": "robot"},
        {"language": "xx"},
        {"country": "Finland"},
        {"kind": "organisation", "organisation_name": None, "country": "FI"},
        {"kind": "person", "country": "FI"},
        {"kind": "person", "last_name": "A", "postal_code": "123", "country": "FI"},
    ],
)
def test_every_field_finding_of_the_contacts_service_is_a_code_with_a_finnish_text(data):
    messages = contact_findings(data)
    assert messages
    for entries in messages.values():
        for entry in entries:
            assert is_code(entry["code"] if isinstance(entry, dict) else entry), entry
    by_field, general = field_errors(messages, Translator("fi"))
    texts = [text for values in by_field.values() for text in values] + general
    assert texts
    for text in texts:
        assert text in catalog("fi").values() or re.match(r"^Liian pitkä", text), text


def test_unknown_service_messages_are_shown_as_sent():
    assert Translator("fi").service_message("Something new.") == "Something new."
    assert Translator("fi").service_message("Longer than maximum length 100.") == (
        "Longer than maximum length 100."
    )  # no sentence is guessed at any more: services send codes
    assert Translator("fi").service_message(coded("contact.too_long", max=100)) == (
        "Liian pitkä (enintään 100 merkkiä)."
    )


# --- forms and view helpers ---------------------------------------------------------------------------


def test_form_groups_show_every_editable_field_once():
    """C2: the flat e-mail, phone and address fields are edited through their lists."""
    shown = [name for _, names in FORM_GROUPS for name in names]
    assert sorted(shown) == sorted(set(EDITABLE_FIELDS) - set(FLAT_FIELDS))


def test_form_data_has_every_field_and_ignores_others():
    form = MultiDict(
        {
            "first_name": "Eino",
            "middle_name": "",
            "emails-rows": "1",
            "emails-0-address": "",
            "csrf_token": "x",
        }
    )
    data = contact_form_data(MultiDict({**form, "id": "evil", "email": "x@example.fi"}))
    assert set(data) == set(EDITABLE_FIELDS) - set(FLAT_FIELDS) - {"phones", "addresses", "tags"}
    assert data["first_name"] == "Eino" and data["middle_name"] == "" and data["emails"] == []
    # The service's schema accepts the blank form values as "no value".
    loaded = ContactInput(partial=True).load({**data, "kind": "person", "language": "fi"})
    assert loaded["middle_name"] is None and loaded["emails"] == []


def test_form_values_of_a_contact_are_strings():
    values = contact_form_values({"first_name": "Eino", "birth_date": date(1990, 1, 2), "email": None})
    assert values["first_name"] == "Eino" and values["birth_date"] == "1990-01-02" and values["email"] == ""


def test_field_errors_split_fields_from_the_rest():
    by_field, general = field_errors(
        {
            "email": ["contact.email_invalid"],
            "_schema": ["Not an object."],
            "id": {"0": ["Bad."]},
        },
        Translator("en"),
    )
    assert by_field == {"email": ["Not a valid e-mail address: write it as name@example.fi."]}
    assert general == ["Not an object.", "Bad."]


def test_display_name_of_form_values():
    assert display_name_of({"first_name": "Eino", "last_name": "Äijälä"}) == "Eino Äijälä"
    assert display_name_of({"kind": "organisation", "organisation_name": "Kuoro ry"}) == "Kuoro ry"
    assert display_name_of({}) == ""


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/contacts?q=a", "/contacts?q=a"),
        ("/", "/"),
        ("//evil.example", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
        ("https://evil.example/", "/dashboard"),
        ("contacts", "/dashboard"),
        ("/x\r\nSet-Cookie: a=b", "/dashboard"),
        (None, "/dashboard"),
        ("", "/dashboard"),
    ],
)
def test_safe_next_allows_only_local_paths(target, expected):
    assert safe_next(target) == expected


def test_formatting():
    assert format_phone("+358401234567") == "+358 40 1234567"
    assert format_phone("") == "" and format_phone(None) == ""
    assert format_phone("not a number") == "not a number"
    assert format_date("1990-01-02", "fi") == "2.1.1990"
    assert format_date("1990-01-02", "en") == "1990-01-02"
    assert format_date(None, "fi") == ""
    # Issue 11 item 8: a timestamp's date is its day in Finland (22:30 UTC on 6.12. is 7.12. there).
    assert format_date("2026-12-06T22:30:00+00:00", "fi") == "7.12.2026"
    assert format_date(datetime(2026, 12, 6, 23, 59, tzinfo=UTC), "en") == "2026-12-07"
    moment = datetime(2025, 7, 1, 9, 5, 7, tzinfo=UTC)  # 12.05 in Helsinki (summer time)
    assert format_datetime(moment, "fi") == "1.7.2025 klo 12.05"
    assert format_datetime(moment.isoformat(), "en", seconds=True) == "2025-07-01 12:05:07"
    assert format_datetime("garbage", "fi") == "garbage"


def test_audit_rows_say_who_did_what():
    events = [
        {
            "occurred_at": "2025-07-01T09:05:07+00:00",
            "action": "contact.updated",
            "fields": ["email", "city"],
            "actor": {"id": "1", "username": "maija", "kind": "user"},
            "details": {},
        },
        {
            "occurred_at": "2025-07-01T09:04:00+00:00",
            "action": "contact.listed",
            "fields": ["email"],
            "actor": {"id": "1", "username": "maija", "kind": "user"},
            "details": {"query": "aijala"},
        },
        {"occurred_at": None, "action": "contact.viewed", "fields": [], "actor": {"id": "7"}, "details": {}},
    ]
    rows = audit_rows(events, Translator("fi"))
    assert [row["what"] for row in rows] == [
        "muutti (kentät: Sähköposti, Paikkakunta)",
        "näki listassa (haku: aijala)",
        "katseli",
    ]
    assert [row["who"] for row in rows] == ["maija", "maija", "7"]


def test_static_files_stay_inside_the_static_folder():
    css = static_file("piiri.css")
    assert css.mimetype == "text/css" and "max-age" in css.headers["Cache-Control"]
    assert static_file("../web.py") is None
    assert static_file("/etc/passwd") is None
    assert static_file("missing.css") is None
    # Two scripts, progressive enhancement (issue 13): the header's and lists' (piiri.js) and the forms'
    # error summary and focus (forms.js, item 9); every page works without them.
    assert sorted(path.name for path in (GATEWAY_DIR / "static").glob("*.js")) == ["forms.js", "piiri.js"]


# --- templates ----------------------------------------------------------------------------------------


class FakePrincipal:
    csrf_token = "csrf-123"
    user = {"username": "maija", "role": "staff"}

    def can(self, permission):
        return permission != "contacts.delete"


def page_context(**extra):
    principal = FakePrincipal()
    context = {
        "principal": principal,
        "user": principal.user,
        "csrf_token": principal.csrf_token,
        "can": {"edit": True, "delete": False, "audit": True},
        "flash": None,
        "current": "/contacts?q=a&b=c",
        "status": 200,
    }
    return {**context, **extra}


EVIL = '<script>alert("x")</script>'
CONTACT = {
    "id": "0b0c7a52-3c1f-4e55-a1a3-8e9f0e0c2f11",
    "kind": "person",
    "display_name": f"Eino {EVIL}",
    "first_name": "Eino",
    "preferred_name": None,
    "last_name": EVIL,
    "organisation_name": None,
    "email": "eino@example.fi",
    "phone": "+358401234567",
    "street": None,
    "postal_code": "90100",
    "city": "Oulu",
    "country": "FI",
    "birth_date": "1990-01-02",
    "language": "fi",
    "notes": "line one\nline two",
    "emails": [{"address": "eino@example.fi", "kind": "home", "primary": True}],
    "phones": [{"number": "+358401234567", "kind": "mobile", "primary": True}],
    "addresses": [
        {
            "kind": "home",
            "street": None,
            "postal_code": "90100",
            "city": "Oulu",
            "country": "FI",
            "primary": True,
        }
    ],
    "tags": ["hallitus"],
    "created_at": "2025-07-01T09:05:07+00:00",
    "updated_at": "2025-07-01T09:05:07+00:00",
}


def render_all(language):
    summary = {
        key: CONTACT[key] for key in ("id", "kind", "display_name", "email", "phone", "city", "birth_date")
    }
    values = contact_form_values(CONTACT)
    return {
        "login": render_html(
            "login.html",
            language,
            **page_context(principal=None, user=None, csrf_token=""),
            login_csrf="tok",
            next="/contacts",
            error=("login.throttled", {"minutes": 15}),
            username=EVIL,
        ),
        "contacts": render_html(
            "contacts.html",
            language,
            **page_context(flash={"key": "flash.deleted", "params": {}, "group": None}),
            query=EVIL,
            filters={"city": EVIL},
            items=[summary],
            fuzzy=True,
            next_url="/contacts?cursor=abc",
            first_url="/contacts",
            sort=None,
            direction="asc",
            sorting=list_sorting("/contacts", {"q": EVIL}, None, "asc"),
            search=search_text(EVIL, {"city": EVIL}),
            bulk_limit=10_000,
        ),
        "contact": render_html(
            "contact.html",
            language,
            **page_context(),
            contact=CONTACT,
            trail_failed=False,
            older_url=None,
            trail=[{"when": "2025-07-01T09:05:07+00:00", "who": EVIL, "what": "katseli"}],
        ),
        "form": render_html(
            "contact_form.html",
            language,
            **page_context(),
            values=values,
            contact_id=CONTACT["id"],
            title_name=EVIL,
            errors={"emails.0.address": ["Sähköpostiosoite ei kelpaa."]},
            general_errors=["Yleinen."],
        ),
        "delete": render_html("confirm_delete.html", language, **page_context(), contact=CONTACT),
        "error": render_html(
            "error.html",
            language,
            **page_context(status=503),
            message_key="error.503",
            incident="",
            detail=None,
        ),
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_renders_escaped_without_inline_code(language):
    for name, html in render_all(language).items():
        assert html.startswith("<!doctype html>"), name
        assert f'<html lang="{language}">' in html, name
        assert EVIL not in html, name
        # No inline code: the scripts are the header's and the forms' files, loaded by their addresses (the
        # CSP: 'self').
        scripts = re.findall(r"<script[^>]*>(.*?)</script>", html, re.S)
        assert scripts == ["", ""] and html.count("<script") == 2, name
        assert f'<script src="{web_helpers.static_url("piiri.js")}"></script>' in html, name
        assert f'<script src="{web_helpers.static_url("forms.js")}" defer></script>' in html, name
        assert " style=" not in html and "<style" not in html, name
        assert " on" + "click=" not in html, name


def test_pages_carry_csrf_tokens_and_respect_permissions():
    pages = render_all("fi")
    assert 'name="csrf_token" value="csrf-123"' in pages["form"]
    assert 'name="csrf_token" value="csrf-123"' in pages["delete"]
    assert 'name="csrf_token" value="tok"' in pages["login"]
    assert 'action="/logout"' in pages["contacts"] and 'action="/logout"' not in pages["login"]
    assert "/delete" not in pages["contact"]  # the fake principal cannot delete
    assert 'id="edit-contact"' in pages["contact"]


def test_pages_show_what_they_are_about():
    pages = render_all("fi")
    assert "Tarkkoja osumia ei löytynyt, näytetään lähimmät." in pages["contacts"]
    assert 'href="/contacts?cursor=abc"' in pages["contacts"]
    assert "Yhteystieto on poistettu." in pages["contacts"]
    assert "/lang/en?next=/contacts%3Fq%3Da%26b%3Dc" in pages["contacts"]
    assert "+358 40 1234567" in pages["contacts"] and "2.1.1990" in pages["contacts"]
    assert "+358 40 1234567" in pages["contact"] and "Käsittelyloki" in pages["contact"]
    assert 'id="error-emails-0-address"' in pages["form"] and "Sähköpostiosoite ei kelpaa." in pages["form"]
    assert "90100 Oulu" in pages["contact"] and 'href="/contacts?tag=hallitus"' in pages["contact"]  # C2
    assert 'aria-invalid="true"' in pages["form"] and 'value="eino@example.fi"' in pages["form"]
    assert "Odota 15 minuuttia" in pages["login"]
    assert "Palvelu ei juuri nyt vastaa" in pages["error"]
    english = render_all("en")
    assert "Access log" in english["contact"] and "No exact matches" in english["contacts"]


# --- the page wrapper ---------------------------------------------------------------------------------


class FakeRoutes:
    def error_page(self, request, exc, incident=None):
        return {"exc": exc, "incident": incident}


def fake_request(path="/contacts?q=a", method="GET"):
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    return Request(EnvironBuilder(path=path, method=method).get_environ())


def test_the_page_wrapper_turns_every_failure_into_a_page():
    from gateway.web_helpers import LoginRequired, web_page
    from piiri.errors import NotFound

    def failing(error):
        @web_page
        def route(self, request):
            raise error

        return route

    login = failing(LoginRequired())(FakeRoutes(), fake_request())
    assert login.status_code == 303 and login.headers["Location"] == "/login?next=%2Fcontacts%3Fq%3Da"
    posted = failing(LoginRequired())(FakeRoutes(), fake_request("/contacts/new", "POST"))
    assert posted.headers["Location"] == "/login?next=%2Fdashboard"
    missing = NotFound("No contact.")
    assert failing(missing)(FakeRoutes(), fake_request())["exc"] is missing
    bug = failing(ValueError("internal detail"))(FakeRoutes(), fake_request())
    assert bug["exc"] is None and re.fullmatch(r"[0-9a-f]{12}", bug["incident"])


@pytest.mark.parametrize(
    ("language", "reads", "readers", "said"),
    [
        ("fi", 1, 1, "Luettu kerran, yksi lukija."),
        ("fi", 4, 1, "Luettu 4 kertaa, yksi lukija."),
        ("fi", 5, 2, "Luettu 5 kertaa, lukijoita 2."),
        ("sv", 1, 1, "Läst en gång av en användare eller ett system."),
        ("en", 3, 1, "3 reads by 1 user or system."),
        ("en", 3, 2, "3 reads by 2 users or systems."),
    ],
)
def test_g2_the_contact_pages_readers_total_says_once_and_one_reader_in_words(language, reads, readers, said):
    """G2: who has read this person's data, summed up in a sentence that is grammatical for 1 too."""
    reader = {
        "username": "maija",
        "actor_id": "u1",
        "reads": reads,
        "last_read_at": "2026-12-02T09:30:00+00:00",
    }
    page = render_html(
        "contact.html",
        language,
        **page_context(),
        contact=CONTACT,
        readers={"readers": [reader], "total_reads": reads, "total_readers": readers},
        trail_failed=False,
        older_url=None,
        trail=[],
    )
    total = re.search(r'<p class="muted" id="audit-readers-total">(.*?)</p>', page, re.S)
    assert total is not None and total.group(1) == said
