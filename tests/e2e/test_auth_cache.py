"""Issue 18: reads authenticate from the gateway's short-lived cache of sessions and tokens
(gateway/principal_cache.py), and revocation still takes effect: at once when it goes through this gateway
process (logout, a revoked API token, a deactivated user), within AUTH_CACHE_SECONDS when another process
makes it (here: the session row deleted in the database, as a second gateway's logout would), and never
for a write, which always asks the database."""

import time

from sqlalchemy import delete

from gateway.auth import digest
from gateway.models import sessions
from gateway.principal_cache import DEFAULT_SECONDS
from tests.conftest import ADMIN_PASSWORD


def forget_session_elsewhere(system, token):
    """What another gateway process's logout does: the session row is gone, this process was not told."""
    with system.gateway_engine.begin() as conn:
        assert conn.execute(delete(sessions).where(sessions.c.token_hash == digest(token))).rowcount == 1


def test_issue18_a_session_ended_by_another_process_is_refused_within_the_cache_seconds(system):
    system.create_user("aino", ADMIN_PASSWORD, role="staff")
    token = system.token("aino", ADMIN_PASSWORD)
    api = system.api(token)
    assert api.get("/api/v1/me").status_code == 200  # now cached
    forget_session_elsewhere(system, token)
    ended = time.monotonic()
    # A write never trusts the cache: refused at once.
    assert api.post("/api/v1/contacts", json={"first_name": "X"}).status_code == 401
    # The write emptied this process's cache, so the read asks the database too.
    assert api.get("/api/v1/me").status_code == 401

    token = system.token("aino", ADMIN_PASSWORD)
    api = system.api(token)
    checked = time.monotonic()
    assert api.get("/api/v1/me").status_code == 200
    forget_session_elsewhere(system, token)
    ended = time.monotonic()
    served = api.get("/api/v1/me").status_code
    if time.monotonic() - checked < DEFAULT_SECONDS - 1.0:  # still fresh: the read did not ask the database
        assert served == 200, "a read right after its session was checked is not served from the cache"
    while api.get("/api/v1/me").status_code == 200:  # served from the cache for a few seconds at most
        assert time.monotonic() - ended < DEFAULT_SECONDS + 1.0, "the ended session is still accepted"
        time.sleep(0.2)
    assert api.get("/api/v1/me").status_code == 401


def test_issue18_logout_revocation_and_deactivation_through_the_gateway_count_at_once(system, admin_api):
    user = admin_api.post(
        "/api/v1/users", json={"username": "veikko", "password": ADMIN_PASSWORD, "role": "staff"}
    )
    assert user.status_code == 201, user.text
    token = system.token("veikko", ADMIN_PASSWORD)
    api = system.api(token)
    assert api.get("/api/v1/me").status_code == 200
    assert api.delete("/api/v1/auth/token").status_code in (200, 204)  # logout
    assert api.get("/api/v1/me").status_code == 401

    api = system.api(system.token("veikko", ADMIN_PASSWORD))
    assert api.get("/api/v1/contacts").status_code == 200
    changed = admin_api.patch(f"/api/v1/users/{user.json()['id']}", json={"active": False})
    assert changed.status_code == 200, changed.text
    assert api.get("/api/v1/contacts").status_code == 401

    created = admin_api.post("/api/v1/api-tokens", json={"name": "sync", "permissions": ["contacts.view"]})
    assert created.status_code == 201, created.text
    token_api = system.api(created.json()["token"])
    assert token_api.get("/api/v1/contacts").status_code == 200
    assert admin_api.delete(f"/api/v1/api-tokens/{created.json()['id']}").status_code == 200
    assert token_api.get("/api/v1/contacts").status_code == 401
