"""The web UI's rules checked over plain HTTP (no browser needed): cookies, CSRF, redirects, throttling,
permission, 404 and 503 pages, the language switch and static files."""

import re

import pytest
import requests

PASSWORD = "kuusi kuusta kuusessa"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html):
    match = CSRF_FIELD.search(html)
    assert match, "no csrf_token field in the page"
    return match.group(1)


def set_cookies(response):
    return response.raw.headers.getlist("Set-Cookie")


def cookie_header(response, name):
    return next(header for header in set_cookies(response) if header.startswith(f"{name}="))


def log_in(base_url, username, password=PASSWORD, next_path=None):
    client = requests.Session()
    form = client.get(f"{base_url}/login")
    data = {"username": username, "password": password, "csrf_token": csrf_of(form.text)}
    if next_path is not None:
        data["next"] = next_path
    response = client.post(f"{base_url}/login", data=data, allow_redirects=False)
    return client, response


@pytest.fixture
def web(system):
    system.create_user("maija", PASSWORD, role="staff")
    system.create_user("root", PASSWORD, role="admin")
    return system


def test_pages_need_a_login_and_come_back_to_the_asked_page(web):
    base = web.base_url
    home = requests.get(f"{base}/", allow_redirects=False)
    assert home.status_code == 303 and home.headers["Location"] == "/login"
    contacts = requests.get(f"{base}/contacts?q=aijala", allow_redirects=False)
    assert contacts.status_code == 303
    assert contacts.headers["Location"] == "/login?next=%2Fcontacts%3Fq%3Daijala"

    client, response = log_in(base, "maija", next_path="/contacts?q=aijala")
    assert response.status_code == 303 and response.headers["Location"] == "/contacts?q=aijala"
    session_cookie = cookie_header(response, "piiri_session")
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    assert "Secure" not in session_cookie  # SESSION_COOKIE_SECURE is off in tests
    page = client.get(f"{base}/contacts")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert '<html lang="fi">' in page.text
    # The CSP allows no inline code: the scripts are the header's and the forms' files (issue 13), by their
    # addresses.
    assert re.findall(r"<script[^>]*>", page.text) == [
        re.search(r'<script src="/static/piiri\.js\?v=\w+">', page.text)[0],
        re.search(r'<script src="/static/forms\.js\?v=\w+" defer>', page.text)[0],
    ]
    assert "style=" not in page.text
    script = client.get(f"{base}/static/piiri.js")
    assert script.status_code == 200 and "javascript" in script.headers["Content-Type"]


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "contacts"]
)
def test_login_never_redirects_off_site(web, target):
    _, response = log_in(web.base_url, "maija", next_path=target)
    assert response.status_code == 303 and response.headers["Location"] == "/dashboard"


def test_every_login_opens_a_new_session_and_ends_the_one_it_replaces(web):
    base = web.base_url
    first, _ = log_in(base, "maija")
    old_secret = first.cookies["piiri_session"]
    assert first.get(f"{base}/login", allow_redirects=False).status_code == 303  # already logged in
    form = requests.get(f"{base}/login")  # a login form opened before, then sent with the old cookie
    response = requests.post(
        f"{base}/login",
        data={"username": "maija", "password": PASSWORD, "csrf_token": csrf_of(form.text)},
        cookies={**form.cookies.get_dict(), "piiri_session": old_secret},
        allow_redirects=False,
    )
    assert response.status_code == 303
    new_secret = cookie_header(response, "piiri_session").split(";")[0].split("=", 1)[1]
    assert new_secret and new_secret != old_secret
    stale = requests.get(f"{base}/contacts", cookies={"piiri_session": old_secret}, allow_redirects=False)
    assert stale.status_code == 303 and stale.headers["Location"].startswith("/login")
    fresh = requests.get(f"{base}/contacts", cookies={"piiri_session": new_secret}, allow_redirects=False)
    assert fresh.status_code == 200


def test_login_form_needs_its_double_submit_token(web):
    client = requests.Session()
    client.get(f"{web.base_url}/login")
    response = client.post(
        f"{web.base_url}/login", data={"username": "maija", "password": PASSWORD, "csrf_token": "forged"}
    )
    assert response.status_code == 403
    assert "Kirjautumislomake vanheni" in response.text
    assert "piiri_session" not in client.cookies


def test_wrong_passwords_are_told_and_then_throttled(web):
    """S1: four wrong passwords are told as such; the fifth locks the account, and the page says so."""
    client = requests.Session()
    for _ in range(4):
        form = client.get(f"{web.base_url}/login")
        response = client.post(
            f"{web.base_url}/login",
            data={"username": "maija", "password": "nope", "csrf_token": csrf_of(form.text)},
        )
        assert response.status_code == 401
        assert "Väärä käyttäjätunnus tai salasana." in response.text
        assert 'value="maija"' in response.text
    client.get(f"{web.base_url}/lang/en?next=/login")
    for password in ("nope", PASSWORD):  # locked: the right password gets the same answer
        form = client.get(f"{web.base_url}/login")
        response = client.post(
            f"{web.base_url}/login",
            data={"username": "maija", "password": password, "csrf_token": csrf_of(form.text)},
        )
        assert response.status_code == 423
        assert "The account is locked after too many failed logins until" in response.text


def test_forms_without_the_csrf_token_change_nothing(web):
    client, _ = log_in(web.base_url, "root")
    response = client.post(f"{web.base_url}/contacts/new", data={"last_name": "Väärennös"})
    assert response.status_code == 403
    assert "Lomake vanheni" in response.text
    listing = client.get(f"{web.base_url}/contacts?q=Väärennös")
    assert "Väärennös</a>" not in listing.text
    logout = client.post(f"{web.base_url}/logout", data={"csrf_token": "wrong"}, allow_redirects=False)
    assert logout.status_code == 403
    assert client.get(f"{web.base_url}/contacts").status_code == 200  # still logged in


def test_logout_ends_the_session_and_deletes_the_cookie(web):
    client, _ = log_in(web.base_url, "maija")
    secret = client.cookies["piiri_session"]
    page = client.get(f"{web.base_url}/contacts")
    response = client.post(
        f"{web.base_url}/logout", data={"csrf_token": csrf_of(page.text)}, allow_redirects=False
    )
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert "piiri_session=;" in cookie_header(response, "piiri_session")
    stale = requests.get(f"{web.base_url}/contacts", cookies={"piiri_session": secret}, allow_redirects=False)
    assert stale.status_code == 303


def test_staff_cannot_delete_and_unknown_contacts_are_404_pages(web):
    api = web.api(web.token("maija", PASSWORD))
    contact_id = api.post("/api/v1/contacts", json={"first_name": "Eino", "last_name": "Äijälä"}).json()["id"]
    client, _ = log_in(web.base_url, "maija")
    page = client.get(f"{web.base_url}/contacts/{contact_id}")
    assert page.status_code == 200 and f"/contacts/{contact_id}/delete" not in page.text
    confirm = client.get(f"{web.base_url}/contacts/{contact_id}/delete")
    assert confirm.status_code == 403 and "Sinulla ei ole oikeutta" in confirm.text
    delete = client.post(
        f"{web.base_url}/contacts/{contact_id}/delete", data={"csrf_token": csrf_of(page.text)}
    )
    assert delete.status_code == 403
    assert client.get(f"{web.base_url}/contacts/{contact_id}").status_code == 200
    for missing in ("00000000-0000-0000-0000-000000000000", "not-an-id"):
        response = client.get(f"{web.base_url}/contacts/{missing}")
        assert response.status_code == 404 and "ei löytynyt" in response.text
        assert "Traceback" not in response.text


def test_language_switch_accepts_only_known_languages_and_local_paths(web):
    base = web.base_url
    response = requests.get(f"{base}/lang/en?next=/login", allow_redirects=False)
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert cookie_header(response, "piiri_lang").startswith("piiri_lang=en;")
    english = requests.get(f"{base}/login", cookies={"piiri_lang": "en"})
    assert '<html lang="en">' in english.text and "Log in" in english.text
    offsite = requests.get(f"{base}/lang/en?next=//evil.example", allow_redirects=False)
    assert offsite.headers["Location"] == "/"
    assert requests.get(f"{base}/lang/xx", allow_redirects=False).status_code == 404
    unknown_cookie = requests.get(f"{base}/login", cookies={"piiri_lang": "xx"})
    assert '<html lang="fi">' in unknown_cookie.text


def test_static_files_have_types_and_cache_headers_and_stay_inside(web):
    css = requests.get(f"{web.base_url}/static/piiri.css")
    assert css.status_code == 200
    assert css.headers["Content-Type"].startswith("text/css")
    assert "max-age" in css.headers["Cache-Control"]
    for path in ("/static/../web.py", "/static/%2e%2e/web.py", "/static/nothing.css"):
        assert requests.get(web.base_url + path).status_code == 404


def test_a_service_that_is_down_gives_a_503_page(run_services, config, clean_databases):
    from sqlalchemy.orm import Session

    from gateway.service import GatewayService
    from gateway.users import create_user

    with Session(clean_databases["gateway"]) as session:
        create_user(session, username="maija", password=PASSWORD, role="staff")
    run_services(GatewayService, extra_config={"RPC_TIMEOUT": 1})  # no contacts service on the bus
    base = f"http://{config['WEB_SERVER_ADDRESS']}"
    client, _ = log_in(base, "maija")
    response = client.get(f"{base}/contacts")
    assert response.status_code == 503
    assert "Palvelu ei juuri nyt vastaa" in response.text and "Traceback" not in response.text
