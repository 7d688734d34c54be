"""S1 end to end through the gateway: lock-out and unlock, session fixation, password change and admin
reset, TOTP two-factor login (web and API), security headers. Audit records of account changes too."""

import re
import time

import pyotp
import pytest
import requests

from conftest import make_actor
from tests.conftest import ADMIN_PASSWORD

PASSWORD = "kuusi kuusta kuusessa"
NEW_PASSWORD = "seitsemän siistiä siiliä"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
SECRET_TEXT = re.compile(r'id="totp-secret">([A-Z2-7]+)<')


def csrf_of(html):
    match = CSRF_FIELD.search(html)
    assert match, "no csrf_token field in the page"
    return match.group(1)


def web_login(base, username, password, client=None, **extra):
    client = client or requests.Session()
    form = client.get(f"{base}/login")
    data = {"username": username, "password": password, "csrf_token": csrf_of(form.text), **extra}
    return client, client.post(f"{base}/login", data=data, allow_redirects=False)


def token_request(base, username, password, **extra):
    return requests.post(
        f"{base}/api/v1/auth/token", json={"username": username, "password": password, **extra}
    )


def user_id(system, username):
    from sqlalchemy import text

    with system.gateway_engine.connect() as conn:
        return str(
            conn.execute(text("SELECT id FROM users WHERE username = :u"), {"u": username}).scalar_one()
        )


def audit_actions(rpc, subject_id, wanted, seconds=8):
    """The audit actions recorded about a user, waiting until ``wanted`` are all there."""
    deadline = time.monotonic() + seconds
    with rpc(make_actor("auditor")) as proxy:
        while True:
            items = proxy.audit.events_for_subject(subject_id)["items"]
            actions = [item["action"] for item in items]
            if set(wanted) <= set(actions) or time.monotonic() > deadline:
                return items
            time.sleep(0.1)


def now_code(secret):
    return pyotp.TOTP(secret).now()


def next_code(secret):
    """A code of the next time step (one step of drift is accepted), different from now_code's."""
    return pyotp.TOTP(secret).at(time.time() + 30)


@pytest.fixture
def maija(system, admin_api):
    system.create_user("maija", PASSWORD, role="staff")
    return system


# --- lock-out ----------------------------------------------------------------------------------------


def test_s1_api_lock_out_says_until_when_hides_the_password_and_an_admin_unlocks(maija, admin_api, rpc):
    base = maija.base_url
    for _ in range(4):
        wrong = token_request(base, "maija", "wrong password")
        assert wrong.status_code == 401 and wrong.json()["error"] == "not_authenticated"
    fifth = token_request(base, "maija", "wrong password")
    assert fifth.status_code == 423 and fifth.json()["error"] == "account_locked"
    assert "locked after too many failed logins until" in fifth.json()["message"]
    assert "from your address" in fifth.json()["message"]  # issue 12 item 5: a lock is per address
    locked_until = fifth.json()["details"]["locked_until"]
    # During the lock the right password gets the very same answer: it reveals nothing.
    right = token_request(base, "maija", PASSWORD)
    assert right.status_code == 423 and right.json() == fifth.json()

    maija_id = user_id(maija, "maija")
    account = admin_api.post(f"/api/v1/users/{maija_id}:unlock")
    assert account.status_code == 200, account.text
    assert account.json() == {"id": maija_id, "username": "maija", "locked_until": None, "was_locked": True}
    assert token_request(base, "maija", PASSWORD).status_code == 201

    trail = audit_actions(rpc, maija_id, {"user.locked", "user.unlocked"})
    by_action = {item["action"]: item for item in trail}
    assert by_action["user.locked"]["details"]["locked_until"] == locked_until
    assert by_action["user.locked"]["actor"]["kind"] == "system"
    assert by_action["user.unlocked"]["actor"]["username"] == "admin"


@pytest.fixture
def behind_proxy(run_services, config):
    """Contacts, audit and a gateway that trusts one proxy hop (PIIRI_TRUSTED_PROXIES=1)."""
    from gateway.service import GatewayService
    from services.audit.service import AuditService
    from services.contacts.service import ContactsService

    run_services(ContactsService, AuditService, GatewayService, extra_config={"TRUSTED_PROXIES": "1"})
    return f"http://{config['WEB_SERVER_ADDRESS']}"


def test_issue12_5_behind_a_proxy_a_lock_is_per_client_address_and_audited_with_it(
    behind_proxy, clean_databases, rpc
):
    """Issue 12 item 5: behind the proxy every request comes from its address; five failures of one
    client lock only that client's (username, address) pair, the audit names the client's address, and a
    forged X-Forwarded-For entry further left is ignored."""
    from sqlalchemy.orm import Session

    from gateway.users import create_user

    with Session(clean_databases["gateway"]) as session:
        maija_id = str(create_user(session, username="maija", password=PASSWORD, role="staff")["id"])
        create_user(session, username="admin", password=ADMIN_PASSWORD, role="admin")

    def attempt(password, client, claimed=None):
        chain = f"{claimed}, {client}" if claimed else client
        return requests.post(
            f"{behind_proxy}/api/v1/auth/token",
            json={"username": "maija", "password": password},
            headers={"X-Forwarded-For": chain},
        )

    answers = [attempt("wrong password", "203.0.113.9", claimed=f"10.0.0.{i}").status_code for i in range(5)]
    assert answers == [401, 401, 401, 401, 423]
    locked = attempt(PASSWORD, "203.0.113.9", claimed="192.0.2.1")
    assert locked.status_code == 423 and "until" in locked.json()["message"]
    assert attempt(PASSWORD, "198.51.100.20").status_code == 201  # another client is not locked out

    trail = audit_actions(rpc, maija_id, {"user.locked"})
    assert [item["details"]["remote_addr"] for item in trail if item["action"] == "user.locked"] == [
        "203.0.113.9"
    ]
    admin = requests.post(
        f"{behind_proxy}/api/v1/auth/token",
        json={"username": "admin", "password": ADMIN_PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.30"},
    ).json()["token"]
    unlocked = requests.post(
        f"{behind_proxy}/api/v1/users/{maija_id}:unlock", headers={"Authorization": f"Bearer {admin}"}
    )
    assert unlocked.status_code == 200 and unlocked.json()["was_locked"] is True
    assert attempt(PASSWORD, "203.0.113.9").status_code == 201


def test_s1_a_successful_login_resets_the_count_of_failures(maija):
    base = maija.base_url
    for _ in range(4):
        assert token_request(base, "maija", "wrong password").status_code == 401
    assert token_request(base, "maija", PASSWORD).status_code == 201
    for _ in range(4):
        assert token_request(base, "maija", "wrong password").status_code == 401
    assert token_request(base, "maija", PASSWORD).status_code == 201


def test_s1_unknown_usernames_lock_the_same_way_so_names_do_not_leak(maija):
    answers = [token_request(maija.base_url, "nobody", "wrong password") for _ in range(5)]
    assert [answer.status_code for answer in answers] == [401, 401, 401, 401, 423]
    assert answers[-1].json()["error"] == "account_locked"


def test_s1_only_users_managers_unlock_and_unknown_users_are_404(maija, admin_api):
    staff = maija.api(maija.token("maija", PASSWORD))
    admin_id = user_id(maija, "admin")
    for action in ("unlock", "reset-password", "reset-totp"):
        denied = staff.post(f"/api/v1/users/{admin_id}:{action}")
        assert denied.status_code == 403 and denied.json()["details"]["permission"] == "users.manage"
        missing = admin_api.post(f"/api/v1/users/00000000-0000-0000-0000-000000000000:{action}")
        assert missing.status_code == 404 and missing.json()["error"] == "not_found"
        assert admin_api.post(f"/api/v1/users/not-an-id:{action}").status_code == 404
    assert token_request(maija.base_url, "admin", ADMIN_PASSWORD).status_code == 201  # admin unchanged


def test_s1_the_login_page_tells_a_locked_account_until_when(maija):
    client = requests.Session()
    for _ in range(4):
        _, response = web_login(maija.base_url, "maija", "wrong password", client)
        assert response.status_code == 401 and "Väärä käyttäjätunnus tai salasana." in response.text
    _, response = web_login(maija.base_url, "maija", "wrong password", client)
    assert response.status_code == 423
    assert "Tili on lukittu liian monen epäonnistuneen kirjautumisen vuoksi" in response.text
    assert re.search(r"\d+\.\d+\.\d{4} klo \d{1,2}\.\d\d asti", response.text)  # 0.10 after midnight
    _, response = web_login(maija.base_url, "maija", PASSWORD, client)
    assert response.status_code == 423 and "piiri_session" not in client.cookies


# --- session fixation and password change ------------------------------------------------------------


def test_s1_a_session_cookie_from_before_the_login_is_never_promoted(maija):
    base = maija.base_url
    form = requests.get(f"{base}/login")
    response = requests.post(
        f"{base}/login",
        data={"username": "maija", "password": PASSWORD, "csrf_token": csrf_of(form.text)},
        cookies={**form.cookies.get_dict(), "piiri_session": "planted-by-an-attacker"},
        allow_redirects=False,
    )
    assert response.status_code == 303
    issued = response.cookies["piiri_session"]
    assert issued != "planted-by-an-attacker" and len(issued) >= 40
    planted = requests.get(
        f"{base}/contacts", cookies={"piiri_session": "planted-by-an-attacker"}, allow_redirects=False
    )
    assert planted.status_code == 303 and planted.headers["Location"].startswith("/login")
    assert requests.get(f"{base}/contacts", cookies={"piiri_session": issued}, allow_redirects=False).ok


def test_s1_changing_the_password_ends_every_other_session_and_token_and_renews_this_one(maija):
    base = maija.base_url
    token = maija.token("maija", PASSWORD)
    other, _ = web_login(base, "maija", PASSWORD)
    client, _ = web_login(base, "maija", PASSWORD)
    before = client.cookies["piiri_session"]
    form = client.get(f"{base}/account/password")
    assert form.status_code == 200 and form.headers["Cache-Control"] == "no-store"

    response = client.post(
        f"{base}/account/password",
        data={
            "csrf_token": csrf_of(form.text),
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
        allow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["Location"] == "/account?done=password_changed"
    after = client.cookies["piiri_session"]
    assert after != before
    page = client.get(f"{base}{response.headers['Location']}")
    assert "Salasana on vaihdettu. Muut istuntosi on kirjattu ulos." in page.text
    assert 'id="account-role">Toimisto<' in page.text
    assert (
        requests.get(f"{base}/contacts", cookies={"piiri_session": before}, allow_redirects=False).status_code
        == 303
    )
    assert other.get(f"{base}/contacts", allow_redirects=False).status_code == 303
    assert maija.api(token).get("/api/v1/contacts").status_code == 401
    assert token_request(base, "maija", PASSWORD).status_code == 401
    assert token_request(base, "maija", NEW_PASSWORD).status_code == 201


@pytest.mark.parametrize(
    "current, new, again, field, message",
    [
        ("wrong password", NEW_PASSWORD, NEW_PASSWORD, "current_password", "Nykyinen salasana on väärin."),
        (PASSWORD, "lyhyt", "lyhyt", "new_password", "Salasanassa on oltava vähintään 12 merkkiä."),
        (PASSWORD, "salasana1234", "salasana1234", "new_password", "yleisimpien salasanojen joukossa"),
        (PASSWORD, "maija", "maija", "new_password", "Salasana ei saa olla käyttäjätunnus."),
        # issue 12 item 7c: blank, one character repeated, a sequence, over-long (refused before hashing)
        (PASSWORD, " " * 12, " " * 12, "new_password", "Salasana ei saa olla pelkkiä välilyöntejä."),
        (PASSWORD, "a" * 12, "a" * 12, "new_password", "Salasana on liian yksinkertainen"),
        (PASSWORD, "abcdefghijkl", "abcdefghijkl", "new_password", "Salasana on liian yksinkertainen"),
        (
            PASSWORD,
            "x" * 100_000,
            "x" * 100_000,
            "new_password",
            "Salasanassa saa olla enintään 1024 merkkiä.",
        ),
        ("wrong password", "x" * 100_000, "", "new_password", "Salasanassa saa olla enintään 1024 merkkiä."),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "new_password_again", "Salasanat eivät täsmää."),
        (PASSWORD, PASSWORD, PASSWORD, "new_password", "Uuden salasanan on oltava eri kuin nykyinen."),
    ],
)
def test_s1_a_bad_password_change_is_told_by_field_and_changes_nothing(
    maija, current, new, again, field, message
):
    base = maija.base_url
    client, _ = web_login(base, "maija", PASSWORD)
    cookie = client.cookies["piiri_session"]
    form = client.get(f"{base}/account/password")
    response = client.post(
        f"{base}/account/password",
        data={
            "csrf_token": csrf_of(form.text),
            "current_password": current,
            "new_password": new,
            "new_password_again": again,
        },
    )
    assert response.status_code == 422
    assert f'id="error-{field}"' in response.text and message in response.text
    assert client.cookies["piiri_session"] == cookie
    assert client.get(f"{base}/contacts", allow_redirects=False).status_code == 200
    assert token_request(base, "maija", PASSWORD).status_code == 201


def test_s1_the_password_change_form_needs_its_csrf_token(maija):
    client, _ = web_login(maija.base_url, "maija", PASSWORD)
    response = client.post(
        f"{maija.base_url}/account/password",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
    )
    assert response.status_code == 403
    assert token_request(maija.base_url, "maija", PASSWORD).status_code == 201


def test_s1_the_api_changes_your_own_password_and_ends_your_tokens(maija):
    api = maija.api(maija.token("maija", PASSWORD))
    bad = api.post("/api/v1/account/password", json={"current_password": PASSWORD, "new_password": "short"})
    assert bad.status_code == 422 and bad.json()["details"]["new_password"] == [
        {"code": "acc.err.too_short", "params": {"n": 12}}
    ]
    for weak, message in (
        ("aaaaaaaaaaaa", "acc.err.too_simple"),
        ("Salasana2024!", "acc.err.too_common"),
        ("x" * 100_000, {"code": "acc.err.too_long", "params": {"n": 1024}}),
    ):
        refused = api.post(
            "/api/v1/account/password", json={"current_password": PASSWORD, "new_password": weak}
        )
        assert refused.status_code == 422 and refused.json()["details"]["new_password"][0] == message
    assert api.get("/api/v1/account").json()["username"] == "maija"
    done = api.post(
        "/api/v1/account/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert done.status_code == 200 and done.json()["changed"] is True
    assert api.get("/api/v1/account").status_code == 401
    assert token_request(maija.base_url, "maija", NEW_PASSWORD).status_code == 201


def test_issue12_7d_wrong_current_passwords_are_throttled_like_failed_logins(maija):
    """A stolen session or token cannot be used to guess the password: the fifth wrong current password
    locks the (username, address) pair, and then even the right one is refused until the lock ends."""
    api = maija.api(maija.token("maija", PASSWORD))
    change = {"new_password": NEW_PASSWORD}
    answers = [
        api.post("/api/v1/account/password", json={**change, "current_password": f"guess {i}"})
        for i in range(5)
    ]
    assert [answer.status_code for answer in answers] == [422, 422, 422, 422, 423]
    assert answers[-1].json()["error"] == "account_locked" and "until" in answers[-1].json()["message"]
    right = api.post("/api/v1/account/password", json={**change, "current_password": PASSWORD})
    assert right.status_code == 423
    assert token_request(maija.base_url, "maija", PASSWORD).status_code == 423  # the same pair
    assert api.get("/api/v1/account").json()["locked"] is True

    client, _ = web_login(maija.base_url, "admin", ADMIN_PASSWORD)
    page = client.get(f"{maija.base_url}/account/password")
    for i in range(5):
        response = client.post(
            f"{maija.base_url}/account/password",
            data={
                "csrf_token": csrf_of(page.text),
                "current_password": f"guess {i}",
                "new_password": NEW_PASSWORD,
                "new_password_again": NEW_PASSWORD,
            },
        )
    assert response.status_code == 423 and 'id="error-current_password"' in response.text
    assert "Tili on lukittu liian monen epäonnistuneen kirjautumisen vuoksi" in response.text


# --- admin reset -------------------------------------------------------------------------------------


def test_s1_admin_reset_gives_a_one_time_password_that_must_be_changed_first(maija, admin_api, rpc):
    base = maija.base_url
    token = maija.token("maija", PASSWORD)
    maija_id = user_id(maija, "maija")
    reset = admin_api.post(f"/api/v1/users/{maija_id}:reset-password")
    assert reset.status_code == 200 and reset.headers["Cache-Control"] == "no-store"
    temporary = reset.json()["temporary_password"]
    assert reset.json()["must_change_password"] is True and len(temporary) == 16
    assert maija.api(token).get("/api/v1/contacts").status_code == 401  # sessions ended
    assert token_request(base, "maija", PASSWORD).status_code == 401

    refused = token_request(base, "maija", temporary)
    assert refused.status_code == 403 and refused.json()["error"] == "password_change_required"

    client, response = web_login(base, "maija", temporary)
    assert response.status_code == 303 and response.headers["Location"] == "/account/password"
    forced = client.get(f"{base}/contacts", allow_redirects=False)
    assert forced.status_code == 303 and forced.headers["Location"] == "/account/password"
    session_api = client.get(f"{base}/api/v1/contacts")
    assert session_api.status_code == 403 and session_api.json()["error"] == "password_change_required"
    form = client.get(f"{base}/account/password")
    assert "Pääkäyttäjä on antanut sinulle väliaikaisen salasanan." in form.text
    changed = client.post(
        f"{base}/account/password",
        data={
            "csrf_token": csrf_of(form.text),
            "current_password": temporary,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
        allow_redirects=False,
    )
    assert changed.status_code == 303
    assert client.get(f"{base}/contacts", allow_redirects=False).status_code == 200
    assert token_request(base, "maija", NEW_PASSWORD).status_code == 201
    trail = audit_actions(rpc, maija_id, {"user.password_reset", "user.password_changed"})
    actors = {item["action"]: item["actor"]["username"] for item in trail}
    assert actors["user.password_reset"] == "admin" and actors["user.password_changed"] == "maija"
    assert all(temporary not in str(item) for item in trail)


def test_s1_admin_web_actions_reset_a_password_and_unlock(maija):
    base = maija.base_url
    maija_id = user_id(maija, "maija")
    for _ in range(5):
        token_request(base, "maija", "wrong password")
    assert token_request(base, "maija", PASSWORD).status_code == 423
    admin, _ = web_login(base, "admin", ADMIN_PASSWORD)
    csrf = csrf_of(admin.get(f"{base}/account").text)
    unlocked = admin.post(
        f"{base}/admin/users/{maija_id}/unlock",
        data={"csrf_token": csrf, "next": "/account"},
        allow_redirects=False,
    )
    assert unlocked.status_code == 303 and unlocked.headers["Location"] == "/account"
    assert token_request(base, "maija", PASSWORD).status_code == 201
    page = admin.post(f"{base}/admin/users/{maija_id}/reset-password", data={"csrf_token": csrf})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    temporary = re.search(r'id="temporary-password">([^<]+)<', page.text).group(1)
    assert token_request(base, "maija", temporary).json()["error"] == "password_change_required"
    staff, _ = web_login(base, "maija", temporary)
    staff_csrf = csrf_of(staff.get(f"{base}/account/password").text)
    admin_id = user_id(maija, "admin")
    forced = staff.post(
        f"{base}/admin/users/{admin_id}/unlock", data={"csrf_token": staff_csrf}, allow_redirects=False
    )
    assert forced.status_code == 303 and forced.headers["Location"] == "/account/password"
    admin_again, _ = web_login(base, "admin", ADMIN_PASSWORD)  # an admin's session: allowed
    assert admin_again.get(f"{base}/contacts", allow_redirects=False).status_code == 200


# --- TOTP ----------------------------------------------------------------------------------------------


def enable_totp(base, client):
    """Turn on TOTP from the account pages; returns the secret the page showed and the code it used."""
    page = client.get(f"{base}/account/totp")
    assert page.status_code == 200
    assert '<img src="data:image/svg+xml' in page.text
    secret = SECRET_TEXT.search(page.text).group(1)
    used = now_code(secret)
    wrong = client.post(f"{base}/account/totp", data={"csrf_token": csrf_of(page.text), "code": "000000"})
    assert wrong.status_code == 422 and "Väärä koodi" in wrong.text
    done = client.post(
        f"{base}/account/totp",
        data={"csrf_token": csrf_of(page.text), "code": used},
        allow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["Location"] == "/account?done=totp_enabled"
    return secret, used


def totp_step(base, username, password, code):
    """Log in with the password, then send ``code`` on the code page: (client, pending cookie, answer)."""
    client, response = web_login(base, username, password)
    assert response.status_code == 303 and response.headers["Location"] == "/login/totp"
    pending = client.cookies["piiri_session"]
    page = client.get(f"{base}/login/totp")
    assert page.status_code == 200 and "Kaksivaiheinen kirjautuminen" in page.text
    answer = client.post(
        f"{base}/login/totp", data={"csrf_token": csrf_of(page.text), "code": code}, allow_redirects=False
    )
    return client, pending, answer


def test_s1_totp_web_login_needs_the_code_and_renews_the_session(maija, rpc):
    base = maija.base_url
    client, _ = web_login(base, "maija", PASSWORD)
    secret, used = enable_totp(base, client)
    assert 'data-enabled="true"' in client.get(f"{base}/account").text

    fresh, response = web_login(base, "maija", PASSWORD)
    assert response.status_code == 303 and response.headers["Location"] == "/login/totp"
    # A password-only session reaches nothing but the code page.
    assert fresh.get(f"{base}/contacts", allow_redirects=False).status_code == 303
    assert fresh.get(f"{base}/api/v1/contacts").status_code == 401
    page = fresh.get(f"{base}/login/totp")
    malformed = fresh.post(f"{base}/login/totp", data={"csrf_token": csrf_of(page.text), "code": "12"})
    assert malformed.status_code == 401 and "Koodissa on 6 numeroa" in malformed.text  # may type again
    # A wrong code and a used code (the set-up's) end the login with one answer.
    for code in ("000000", used):
        _, _, wrong = totp_step(base, "maija", PASSWORD, code)
        assert wrong.status_code == 401 and "Väärä salasana tai koodi" in wrong.text
    fresh, pending, done = totp_step(base, "maija", PASSWORD, next_code(secret))
    assert done.status_code == 303 and done.headers["Location"] == "/dashboard"
    full = fresh.cookies["piiri_session"]
    assert full != pending
    assert fresh.get(f"{base}/contacts", allow_redirects=False).status_code == 200
    assert (
        requests.get(
            f"{base}/login/totp", cookies={"piiri_session": pending}, allow_redirects=False
        ).status_code
        == 303
    )
    trail = audit_actions(rpc, user_id(maija, "maija"), {"user.totp_enabled"})
    assert "user.totp_enabled" in {item["action"] for item in trail}


def test_issue12_7f_a_two_factor_login_never_confirms_the_password_before_the_code(maija, admin_api):
    """A wrong password goes on to the code page like a right one, and the code step answers a wrong
    password and a wrong code alike; the API answers them alike too."""
    base = maija.base_url
    client, _ = web_login(base, "maija", PASSWORD)
    secret, _ = enable_totp(base, client)
    _, _, wrong_password = totp_step(base, "maija", "wrong password", next_code(secret))
    _, _, wrong_code = totp_step(base, "maija", PASSWORD, "000000")
    assert wrong_password.status_code == wrong_code.status_code == 401
    message = re.compile(r'id="login-error">([^<]+)<')
    assert message.search(wrong_password.text).group(1) == message.search(wrong_code.text).group(1)
    assert "Väärä salasana tai koodi" in wrong_code.text
    assert admin_api.post(f"/api/v1/users/{user_id(maija, 'maija')}:unlock").status_code == 200

    answers = [
        token_request(base, "maija", "wrong password", totp=now_code(secret)),
        token_request(base, "maija", PASSWORD, totp="000000"),
        token_request(base, "maija", PASSWORD),
    ]
    assert {answer.status_code for answer in answers} == {401}
    assert len({answer.text for answer in answers}) == 1
    assert answers[0].json()["error"] == "not_authenticated"


def test_s1_totp_codes_count_toward_the_lock_out(maija):
    base = maija.base_url
    client, _ = web_login(base, "maija", PASSWORD)
    enable_totp(base, client)
    for _ in range(4):
        assert totp_step(base, "maija", PASSWORD, "000000")[2].status_code == 401
    _, _, locked = totp_step(base, "maija", PASSWORD, "000000")
    assert locked.status_code == 423 and "Tili on lukittu" in locked.text
    assert token_request(base, "maija", PASSWORD, totp="000000").status_code == 423


def test_s1_totp_api_login_needs_a_fresh_code(maija, admin_api):
    base = maija.base_url
    client, _ = web_login(base, "maija", PASSWORD)
    secret, _ = enable_totp(base, client)
    missing = token_request(base, "maija", PASSWORD)
    assert missing.status_code == 401 and missing.json()["error"] == "not_authenticated"
    assert "'totp'" in missing.json()["message"]
    wrong_password = token_request(base, "maija", "wrong password", totp=next_code(secret))
    assert wrong_password.json()["error"] == "not_authenticated"
    code = next_code(secret)
    assert token_request(base, "maija", PASSWORD, totp=code).status_code == 201
    again = token_request(base, "maija", PASSWORD, totp=code)
    assert again.status_code == 401 and again.json() == missing.json()

    # An admin turns it off (lost phone): the password alone works again.
    reset = admin_api.post(f"/api/v1/users/{user_id(maija, 'maija')}:reset-totp")
    assert reset.status_code == 200 and reset.json()["totp_enabled"] is False
    assert token_request(base, "maija", PASSWORD).status_code == 201


def test_s1_turning_totp_off_needs_the_password_and_a_code(maija):
    base = maija.base_url
    client, _ = web_login(base, "maija", PASSWORD)
    secret, _ = enable_totp(base, client)
    csrf = csrf_of(client.get(f"{base}/account").text)
    refused = client.post(
        f"{base}/account/totp/disable",
        data={"csrf_token": csrf, "password": "wrong password", "code": "000000"},
    )
    assert refused.status_code == 422
    assert "Salasana on väärin." in refused.text and "Väärä koodi" in refused.text
    assert token_request(base, "maija", PASSWORD).status_code == 401  # the code is still needed
    done = client.post(
        f"{base}/account/totp/disable",
        data={"csrf_token": csrf, "password": PASSWORD, "code": next_code(secret)},
        allow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["Location"] == "/account?done=totp_disabled"
    assert token_request(base, "maija", PASSWORD).status_code == 201


# --- security headers ----------------------------------------------------------------------------------


def test_s1_security_headers_on_pages_api_and_errors(maija):
    base = maija.base_url
    client, _ = web_login(base, "maija", PASSWORD)
    for response in (
        client.get(f"{base}/account"),
        client.get(f"{base}/api/v1/account"),
        requests.get(f"{base}/login"),
        requests.get(f"{base}/api/v1/contacts"),
        requests.get(f"{base}/no/such/page"),
    ):
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        assert "img-src 'self' data:" in csp  # the TOTP QR code is a data: image
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "camera=()" in headers["Permissions-Policy"]
        assert "Strict-Transport-Security" not in headers  # plain http in tests: no HSTS
    assert client.get(f"{base}/account").headers["Cache-Control"] == "no-store"
    assert client.get(f"{base}/api/v1/account").headers["Cache-Control"] == "no-store"
    assert "no-store" in requests.get(f"{base}/login").headers["Cache-Control"]


def test_issue12_7j_hsts_is_on_by_default_for_https_behind_a_trusted_proxy(run_services, config):
    """No HSTS over plain http, nor when an untrusted client claims https; a year's max-age by default
    when the trusted proxy says the client used https; HSTS_MAX_AGE sets it (0: off)."""
    from gateway.service import GatewayService

    url = f"http://{config['WEB_SERVER_ADDRESS']}/static/piiri.css"
    https = {"X-Forwarded-Proto": "https"}
    runner = run_services(GatewayService, extra_config={"TRUSTED_PROXIES": "1", "HSTS_MAX_AGE": None})
    assert "Strict-Transport-Security" not in requests.get(url).headers
    response = requests.get(url, headers=https)
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    missing = requests.get(url.replace("/static/piiri.css", "/no/such/page"), headers=https)
    assert missing.status_code == 404 and "Strict-Transport-Security" in missing.headers
    runner.stop()

    runner = run_services(GatewayService, extra_config={"TRUSTED_PROXIES": "0"})
    assert "Strict-Transport-Security" not in requests.get(url, headers=https).headers  # nobody to trust
    runner.stop()

    run_services(GatewayService, extra_config={"TRUSTED_PROXIES": "1", "HSTS_MAX_AGE": "600"})
    assert requests.get(url, headers=https).headers["Strict-Transport-Security"] == (
        "max-age=600; includeSubDomains"
    )


def test_s1_an_account_change_that_cannot_be_audited_is_not_made(maija, admin_api, vhost):
    from tests.conftest import break_audit_path, heal_audit_path

    token = maija.token("maija", PASSWORD)
    maija_id = user_id(maija, "maija")
    break_audit_path(vhost)
    try:
        refused = admin_api.post(f"/api/v1/users/{maija_id}:reset-password")
        assert refused.status_code == 503 and refused.json()["error"] == "audit_unavailable"
        # A lock must happen even when it cannot be recorded: security first, the failure is logged.
        answers = [token_request(maija.base_url, "maija", "wrong password").status_code for _ in range(5)]
        assert answers == [401, 401, 401, 401, 423]
    finally:
        heal_audit_path(vhost)
    assert maija.api(token).get("/api/v1/account").json()["must_change_password"] is False  # unchanged
    assert admin_api.post(f"/api/v1/users/{maija_id}:unlock").status_code == 200
    assert token_request(maija.base_url, "maija", PASSWORD).status_code == 201


def test_s1_the_openapi_document_describes_the_account_routes(maija):
    document = requests.get(f"{maija.base_url}/api/v1/openapi.json").json()
    for path in (
        "/api/v1/account",
        "/api/v1/account/password",
        "/api/v1/users/{user_id}:unlock",
        "/api/v1/users/{user_id}:reset-password",
        "/api/v1/users/{user_id}:reset-totp",
    ):
        assert path in document["paths"], path
    token = document["paths"]["/api/v1/auth/token"]["post"]
    assert (
        "423" in token["responses"]
        and "totp" in document["components"]["schemas"]["TokenRequest"]["properties"]
    )


def test_issue12_7e_revoking_with_an_api_token_really_revokes_it(maija, admin_api, rpc):
    """DELETE /api/v1/auth/token said "revoked" to an API token that kept working; now it is revoked."""
    answer = admin_api.post("/api/v1/api-tokens", json={"name": "Synkka", "permissions": ["contacts.view"]})
    assert answer.status_code == 201, answer.text
    token_api = maija.api(answer.json()["token"])
    assert token_api.get("/api/v1/contacts").status_code == 200
    revoked = token_api.delete("/api/v1/auth/token")
    assert revoked.status_code == 200
    assert revoked.json() == {"revoked": True, "api_token_id": answer.json()["id"]}
    assert token_api.get("/api/v1/contacts").status_code == 401
    assert admin_api.get(f"/api/v1/api-tokens/{answer.json()['id']}").json()["status"] == "revoked"
    trail = audit_actions(rpc, answer.json()["id"], {"api_token.revoked"})
    assert "api_token.revoked" in {item["action"] for item in trail}
    # A user's own login token still just ends.
    own = maija.api(maija.token("maija", PASSWORD))
    assert own.delete("/api/v1/auth/token").json() == {"revoked": True}
    assert own.get("/api/v1/account").status_code == 401


def test_issue12_7g_turning_totp_on_ends_the_sessions_and_tokens_from_before(maija, rpc):
    """A session or token opened with a stolen password must not outlive the second factor."""
    base = maija.base_url
    token = maija.token("maija", PASSWORD)
    other, _ = web_login(base, "maija", PASSWORD)
    client, _ = web_login(base, "maija", PASSWORD)
    before = client.cookies["piiri_session"]
    enable_totp(base, client)
    assert client.cookies["piiri_session"] != before  # this browser goes on with a new session id
    assert client.get(f"{base}/account", allow_redirects=False).status_code == 200
    assert maija.api(token).get("/api/v1/account").status_code == 401
    assert other.get(f"{base}/contacts", allow_redirects=False).status_code == 303
    assert (
        requests.get(f"{base}/contacts", cookies={"piiri_session": before}, allow_redirects=False).status_code
        == 303
    )
    trail = audit_actions(rpc, user_id(maija, "maija"), {"user.totp_enabled"})
    enabled = next(item for item in trail if item["action"] == "user.totp_enabled")
    assert enabled["details"]["sessions_ended"] == 3
