"""C6/S1 on the real gateway database: permissions are the union of the own role and the user groups'
roles; the data scope is the union of the limited groups' contact groups (none limited: unlimited);
roles in use and built-in roles stay; an admin cannot take away their own users.manage."""

import uuid

import pytest
from sqlalchemy.orm import Session

from gateway import access_admin
from gateway.roles import access_for_user
from gateway.users import create_user
from piiri.errors import Conflict, ValidationFailed

PASSWORD = "Kallion-kesä-2026-toimisto"


@pytest.fixture
def session(clean_databases):
    with Session(clean_databases["gateway"]) as session:
        yield session


def user(session, name, role):
    return create_user(session, username=name, password=PASSWORD, role=role)


def test_c6_permissions_union_and_scope_union(session):
    reader = user(session, "reader", "read_only")
    access = access_for_user(session, reader["id"], "read_only")
    assert access.permissions == ("contacts.view",) and not access.scoped and access.roles == ("read_only",)

    helsinki, turku = str(uuid.uuid4()), str(uuid.uuid4())
    member = [str(reader["id"])]
    access_admin.create_user_group(session, {"name": "Viestintä", "role": "mailer", "member_ids": member})
    session.commit()
    access = access_for_user(session, reader["id"], "read_only")
    assert set(access.permissions) == {"contacts.view", "contacts.export", "mail.send"}
    assert access.roles == ("read_only", "mailer") and not access.scoped  # that group is not limited

    for name, group_id in (("Helsinki", helsinki), ("Turku", turku)):
        access_admin.create_user_group(
            session, {"name": name, "member_ids": member, "contact_group_ids": [group_id]}
        )
    session.commit()
    access = access_for_user(session, reader["id"], "read_only")
    assert access.scoped and access.scope_group_ids == tuple(sorted((helsinki, turku)))

    other = user(session, "other", "staff")
    assert not access_for_user(session, other["id"], "staff").scoped  # not a member: unlimited


def test_c6_roles_builtin_and_in_use_stay_and_bad_input_changes_nothing(session):
    with pytest.raises(Conflict):
        access_admin.delete_role(session, "admin")
    session.rollback()
    with pytest.raises(ValidationFailed) as refused:
        access_admin.update_role(session, "read_only", {"permissions": ["contacts.view", "users.manage"]})
    assert "permissions" in refused.value.details
    session.rollback()
    access_admin.create_role(
        session,
        {"code": "kassa", "label_fi": "Kassa", "label_en": "Till", "permissions": ["invoices.manage"]},
    )
    session.commit()
    holder = user(session, "kassa1", "kassa")
    with pytest.raises(Conflict) as in_use:
        access_admin.delete_role(session, "kassa")
    assert in_use.value.message == "admin.err.in_use" and in_use.value.params == {"users": 1, "groups": 0}
    session.rollback()
    with pytest.raises(ValidationFailed):
        access_admin.update_user(session, holder["id"], {"role": "no_such_role", "username": "x"})
    session.rollback()
    assert access_admin.get_user(session, holder["id"])["role"] == "kassa"


def test_c6_admin_cannot_remove_own_user_management(session):
    admin = user(session, "root", "admin")
    access_admin.update_user(session, admin["id"], {"role": "staff"})
    with pytest.raises(Conflict):
        access_admin.check_admin_keeps_access(session, admin["id"])
    session.rollback()
    access_admin.update_user(session, admin["id"], {"active": False})
    with pytest.raises(Conflict):
        access_admin.check_admin_keeps_access(session, admin["id"])
    session.rollback()
    # Staff by role but admin through a user group: still manages users.
    access_admin.update_user(session, admin["id"], {"role": "staff"})
    access_admin.create_user_group(
        session, {"name": "Ylläpito", "role": "admin", "member_ids": [str(admin["id"])]}
    )
    access_admin.check_admin_keeps_access(session, admin["id"])
