"""Issue 12 item 3 (C6, S1), through /api/v1 and the web UI: a user who holds users.manage cannot grant a
permission or a data scope they do not hold, cannot change their own access, and cannot act on a user who
holds more than they do. Every refusal is a 403 naming the field, and changes nothing."""

from tests.e2e.test_login_security import csrf_of, web_login

PASSWORD = "Kallion-kesä-2026-ylläpito"


def created(response):
    assert response.status_code == 201, response.text
    return response.json()


def refused(response, field):
    assert response.status_code == 403, response.text
    assert field in response.json()["details"], response.text


def scoped_admin(system, admin_api):
    """Helsinki and Turku contact groups; 'paikallinen' manages users but is limited to Helsinki."""
    helsinki = created(admin_api.post("/api/v1/groups", json={"name": "Helsinki"}))
    turku = created(admin_api.post("/api/v1/groups", json={"name": "Turku"}))
    created(
        admin_api.post(
            "/api/v1/roles",
            json={
                "code": "local_admin",
                "label_fi": "Paikallinen ylläpito",
                "label_en": "Local admin",
                "permissions": ["contacts.view", "users.manage"],
            },
        )
    )
    local = created(
        admin_api.post(
            "/api/v1/users", json={"username": "paikallinen", "password": PASSWORD, "role": "local_admin"}
        )
    )
    group = created(
        admin_api.post(
            "/api/v1/user-groups",
            json={
                "name": "Helsingin ylläpito",
                "member_ids": [local["id"]],
                "contact_group_ids": [helsinki["id"]],
            },
        )
    )
    api = system.api(system.token("paikallinen", PASSWORD))
    return api, local, group, helsinki, turku


def test_issue12_item3_scoped_user_manager_cannot_widen_tokens_or_users(system, admin_api):
    api, local, group, helsinki, turku = scoped_admin(system, admin_api)
    assert api.get("/api/v1/me").json()["scope_group_ids"] == [helsinki["id"]]

    # API tokens: not unscoped, not outside the scope, not with a permission the creator lacks.
    refused(
        api.post("/api/v1/api-tokens", json={"name": "t", "permissions": ["contacts.view"]}),
        "contact_group_ids",
    )
    refused(
        api.post(
            "/api/v1/api-tokens",
            json={"name": "t", "permissions": ["contacts.view"], "contact_group_ids": [turku["id"]]},
        ),
        "contact_group_ids",
    )
    refused(
        api.post(
            "/api/v1/api-tokens",
            json={
                "name": "t",
                "permissions": ["contacts.view", "users.manage", "contacts.export"],
                "contact_group_ids": [helsinki["id"]],
            },
        ),
        "permissions",
    )
    assert admin_api.get("/api/v1/api-tokens").json()["items"] == []
    allowed = created(
        api.post(
            "/api/v1/api-tokens",
            json={
                "name": "Helsinki",
                "permissions": ["contacts.view"],
                "contact_group_ids": [helsinki["id"]],
            },
        )
    )
    assert allowed["contact_group_ids"] == [helsinki["id"]]

    # Themselves: not admin, not out of their limited group, not into a wider one.
    refused(api.patch(f"/api/v1/users/{local['id']}", json={"role": "admin"}), "user")
    refused(api.patch(f"/api/v1/user-groups/{group['id']}", json={"member_ids": []}), "user")
    refused(
        api.patch(
            f"/api/v1/user-groups/{group['id']}", json={"contact_group_ids": [helsinki["id"], turku["id"]]}
        ),
        "contact_group_ids",
    )
    refused(
        api.post(
            "/api/v1/user-groups",
            json={"name": "Turku", "member_ids": [local["id"]], "contact_group_ids": [turku["id"]]},
        ),
        "contact_group_ids",
    )
    refused(
        api.post("/api/v1/user-groups", json={"name": "Kaikki", "member_ids": [local["id"]]}),
        "contact_group_ids",
    )
    refused(
        api.post(
            "/api/v1/user-groups",
            json={
                "name": "Ylläpito",
                "role": "admin",
                "member_ids": [local["id"]],
                "contact_group_ids": [helsinki["id"]],
            },
        ),
        "role",
    )

    # Roles: no permission they lack, whether a new role or an edited one.
    refused(
        api.post(
            "/api/v1/roles",
            json={"code": "dpo2", "label_fi": "T", "label_en": "T", "permissions": ["gdpr.officer"]},
        ),
        "permissions",
    )
    refused(
        api.patch(
            "/api/v1/roles/local_admin",
            json={"permissions": ["contacts.view", "users.manage", "contacts.export"]},
        ),
        "permissions",
    )

    # A new user they create joins their limited group: it sees Helsinki only, and can be raised no higher.
    new = created(
        api.post("/api/v1/users", json={"username": "apu", "password": PASSWORD, "role": "read_only"})
    )
    assert new["scoped"] is True and new["scope_group_ids"] == [helsinki["id"]]
    refused(api.patch(f"/api/v1/users/{new['id']}", json={"role": "admin"}), "permissions")
    refused(
        api.post("/api/v1/users", json={"username": "apu2", "password": PASSWORD, "role": "staff"}),
        "permissions",
    )

    # A user who holds more than they do is out of their reach: no deactivating, and no new password or
    # second factor to log in as them.
    admin_id = admin_api.get("/api/v1/me").json()["id"]
    refused(api.patch(f"/api/v1/users/{admin_id}", json={"active": False}), "user")
    refused(api.post(f"/api/v1/users/{admin_id}:reset-password"), "user")
    refused(api.post(f"/api/v1/users/{admin_id}:reset-totp"), "user")
    own = api.post(f"/api/v1/users/{new['id']}:reset-password")  # their own new user: fine
    assert own.status_code == 200, own.text

    # Nothing of it happened.
    me = api.get("/api/v1/me").json()
    assert me["roles"] == ["local_admin"] and me["scope_group_ids"] == [helsinki["id"]]
    assert sorted(me["permissions"]) == ["contacts.view", "users.manage"]
    assert admin_api.get("/api/v1/roles/local_admin").json()["permissions"] == [
        "contacts.view",
        "users.manage",
    ]
    assert [item["name"] for item in admin_api.get("/api/v1/user-groups").json()["items"]] == [
        "Helsingin ylläpito"
    ]
    assert admin_api.get(f"/api/v1/users/{admin_id}").json()["active"] is True
    assert [item["name"] for item in admin_api.get("/api/v1/api-tokens").json()["items"]] == ["Helsinki"]


def test_issue12_item3_unscoped_user_manager_grants_only_what_they_hold(system, admin_api):
    created(
        admin_api.post(
            "/api/v1/roles",
            json={
                "code": "user_admin",
                "label_fi": "K",
                "label_en": "U",
                "permissions": ["contacts.view", "users.manage"],
            },
        )
    )
    created(
        admin_api.post(
            "/api/v1/users", json={"username": "kayttajat", "password": PASSWORD, "role": "user_admin"}
        )
    )
    api = system.api(system.token("kayttajat", PASSWORD))
    me = api.get("/api/v1/me").json()

    refused(
        api.post("/api/v1/api-tokens", json={"name": "t", "permissions": ["contacts.edit"]}), "permissions"
    )
    refused(
        api.post("/api/v1/users", json={"username": "x1", "password": PASSWORD, "role": "admin"}),
        "permissions",
    )
    refused(
        api.post("/api/v1/user-groups", json={"name": "Kaikki", "role": "staff", "member_ids": [me["id"]]}),
        "role",
    )
    refused(
        api.patch(
            "/api/v1/roles/user_admin",
            json={"permissions": ["contacts.view", "users.manage", "contacts.edit"]},
        ),
        "permissions",
    )
    # Within what they hold, they may grant: a role, a user with it, an unscoped token, a group.
    created(
        api.post(
            "/api/v1/roles",
            json={"code": "hallinta", "label_fi": "H", "label_en": "H", "permissions": ["users.manage"]},
        )
    )
    other = created(
        api.post("/api/v1/users", json={"username": "x2", "password": PASSWORD, "role": "hallinta"})
    )
    assert other["scoped"] is False
    created(api.post("/api/v1/api-tokens", json={"name": "t", "permissions": ["contacts.view"]}))
    created(
        api.post(
            "/api/v1/user-groups", json={"name": "Lukijat", "role": "read_only", "member_ids": [other["id"]]}
        )
    )
    assert api.get("/api/v1/me").json()["permissions"] == ["contacts.view", "users.manage"]


def test_issue12_item3_the_web_forms_refuse_the_same_grants(system, admin_api):
    _api, local, _group, _helsinki, _turku = scoped_admin(system, admin_api)
    base = system.base_url
    client, login = web_login(base, "paikallinen", PASSWORD)
    assert login.status_code == 303, login.text
    csrf = csrf_of(client.get(f"{base}/admin/api-tokens").text)

    token = client.post(
        f"{base}/admin/api-tokens",
        data={"csrf_token": csrf, "name": "Kaikki", "permissions": ["contacts.view"]},
    )
    assert token.status_code == 403 and "contact" in token.text.lower()
    myself = client.post(
        f"{base}/admin/users/{local['id']}",
        data={"csrf_token": csrf, "display_name": "P", "role": "admin", "language": "fi", "active": "on"},
    )
    assert myself.status_code == 403
    role = client.post(
        f"{base}/admin/roles/local_admin",
        data={
            "csrf_token": csrf,
            "label_fi": "P",
            "label_en": "L",
            "permissions": ["contacts.view", "users.manage", "gdpr.officer"],
        },
    )
    assert role.status_code == 403
    admin_id = admin_api.get("/api/v1/me").json()["id"]
    reset = client.post(f"{base}/admin/users/{admin_id}/reset-password", data={"csrf_token": csrf})
    assert reset.status_code == 403 and "temporary" not in reset.text.lower()
    assert admin_api.get("/api/v1/api-tokens").json()["items"] == []
    assert admin_api.get(f"/api/v1/users/{local['id']}").json()["role"] == "local_admin"
    assert "gdpr.officer" not in admin_api.get("/api/v1/roles/local_admin").json()["permissions"]
