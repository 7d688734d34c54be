"""C6/S1 unit tests of the gateway's access control: the permission catalogue and built-in roles, a token's
access, the actor a Principal hands the services, token input checks, the admin forms' parsing."""

import importlib.util
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from gateway import api_tokens, roles
from gateway.access.web import token_form, user_group_form
from gateway.auth import Principal
from piiri.errors import ValidationFailed

MIGRATION = Path(__file__).parents[1] / "migrations" / "versions" / "0002_access_control.py"


def migration():
    spec = importlib.util.spec_from_file_location("access_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_c6_catalogue_and_builtin_roles_match_the_migration():
    module = migration()
    assert tuple(module.ALL) == roles.PERMISSION_CODES
    # Migration 0002's six, then the reviewer (Q3, migration 0004) with no registry permission at all.
    assert [(code, fi, en, tuple(perms)) for code, fi, en, perms in module.BUILTIN_ROLES] + [
        ("reviewer", "Arvioija", "Reviewer", ())
    ] == [(code, fi, en, tuple(perms)) for code, fi, en, perms in roles.BUILTIN_ROLE_ROWS]
    for code in roles.PERMISSION_CODES:
        assert roles.permission_label(code, "fi") != code and roles.permission_label(code, "en") != code
    # Least privilege: only the admin role manages users; read-only only views.
    by_code = {code: set(perms) for code, _, _, perms in roles.BUILTIN_ROLE_ROWS}
    assert [code for code, perms in by_code.items() if roles.MANAGE_USERS in perms] == ["admin"]
    assert by_code["read_only"] == {roles.VIEW}


def test_c6_token_access_is_exactly_its_permissions_and_scoped_only_with_groups():
    token = {"permissions": ["contacts.view", "made.up"], "contact_group_ids": []}
    access = roles.access_for_token(token)
    assert access.permissions == ("contacts.view",) and not access.scoped and access.can("contacts.view")
    assert not access.can("contacts.edit")
    scoped = roles.access_for_token({"permissions": ["contacts.view"], "contact_group_ids": ["b", "a"]})
    assert scoped.scoped and scoped.scope_group_ids == ("a", "b")


def test_c6_principal_hands_permissions_and_scope_to_the_services():
    access = roles.Access(
        permissions=("contacts.view",), roles=("staff",), scoped=True, scope_group_ids=("g",)
    )
    principal = Principal(
        user={"id": "u1", "username": "hanna"}, kind="web", csrf_token="c", token_hash="h", access=access
    )
    actor = principal.actor
    assert (actor.kind, actor.permissions, actor.scoped, actor.scope_group_ids) == (
        "user",
        ("contacts.view",),
        True,
        ("g",),
    )
    assert principal.can("contacts.view") and not principal.can("users.manage")
    token = Principal(user={"id": "t1", "username": "token:x"}, kind="token", csrf_token="", token_hash="h")
    assert token.actor.kind == "token" and token.actor.permissions == () and not token.can("contacts.view")


def test_c6_token_input_is_checked_by_field():
    with pytest.raises(ValidationFailed) as refused:
        api_tokens.check_input({"name": "", "permissions": ["contacts.fly"], "contact_group_ids": ["x"]})
    assert set(refused.value.details) == {"name", "permissions", "contact_group_ids"}
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    with pytest.raises(ValidationFailed) as expired:
        api_tokens.check_input({"name": "n", "permissions": ["contacts.view"], "expires_at": past})
    assert set(expired.value.details) == {"expires_at"}
    values = api_tokens.check_input({"name": " Sync ", "permissions": ["contacts.edit", "contacts.view"]})
    assert values["name"] == "Sync" and values["permissions"] == ["contacts.view", "contacts.edit"]
    assert api_tokens.is_api_token(api_tokens.new_token_secret()) and not api_tokens.is_api_token("abc")


def test_c6_token_status():
    now = datetime.now(UTC)
    assert api_tokens.status({"revoked_at": None, "expires_at": None}, now) == "active"
    assert api_tokens.status({"revoked_at": now, "expires_at": None}, now) == "revoked"
    assert api_tokens.status({"revoked_at": None, "expires_at": now - timedelta(seconds=1)}, now) == "expired"


def test_c6_admin_forms_read_checkbox_lists():
    form = MultiDict(
        [
            ("name", " Toimisto "),
            ("member_ids", "u1"),
            ("member_ids", "u2"),
            ("contact_group_ids", "g1"),
            ("role", ""),
        ]
    )
    assert user_group_form(form) == {
        "name": "Toimisto",
        "description": "",
        "role": None,
        "member_ids": ["u1", "u2"],
        "contact_group_ids": ["g1"],
    }
    token = token_form(
        MultiDict([("name", "t"), ("permissions", "contacts.view"), ("expires_on", "2030-01-02")])
    )
    assert token["expires_at"] == "2030-01-02T23:59:59+00:00" and token["permissions"] == ["contacts.view"]
