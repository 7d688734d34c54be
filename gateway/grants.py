"""What an admin may grant (C6, S1; issue 12 item 3): nobody grants a permission or a data scope they do not
hold themselves, and nobody changes their own permissions or scope.

The guard compares every user's effective access (role ∪ user groups' roles; scope from limited user
groups; an inactive user has none) before and after an admin's change, inside the change's transaction,
so every path that could widen someone's access (a user's role, a group's role, members or contact
groups, a role's permissions, deleting a limited group, reactivating a user) is judged the same way.
Role definitions and API tokens are checked directly, since they are grants no user holds yet.
"""

from dataclasses import dataclass

from sqlalchemy import select

from gateway.models import roles, user_group_members, user_group_scopes, user_groups, users
from piiri.errors import PermissionDenied


@dataclass(frozen=True)
class Grant:
    """A user's effective access: permission codes, whether limited to some contact groups, and which."""

    permissions: frozenset = frozenset()
    scoped: bool = True
    scope: frozenset = frozenset()


NOTHING = Grant()  # a user who does not exist yet, or is inactive: no permission, no contact


def grants_of_users(session):
    """{user id: Grant} of every user, in four queries (admins' changes are rare; users are few)."""
    role_permissions = {
        code: set(codes or ()) for code, codes in session.execute(select(roles.c.code, roles.c.permissions))
    }
    rows = session.execute(select(users.c.id, users.c.role, users.c.active)).all()
    permissions = {user_id: set(role_permissions.get(role, ())) for user_id, role, _ in rows}
    for user_id, role in session.execute(
        select(user_group_members.c.user_id, user_groups.c.role).join(
            user_groups, user_groups.c.id == user_group_members.c.user_group_id
        )
    ):
        if role and user_id in permissions:
            permissions[user_id] |= role_permissions.get(role, set())
    scopes = {}
    for user_id, group_id in session.execute(
        select(user_group_members.c.user_id, user_group_scopes.c.contact_group_id).join(
            user_group_scopes, user_group_scopes.c.user_group_id == user_group_members.c.user_group_id
        )
    ):
        scopes.setdefault(user_id, set()).add(str(group_id))
    return {
        user_id: (
            Grant(frozenset(permissions[user_id]), user_id in scopes, frozenset(scopes.get(user_id, ())))
            if active
            else NOTHING
        )
        for user_id, _, active in rows
    }


def _refuse(message, details):
    raise PermissionDenied(message, details)


def check_permissions_held(access, permissions, field="permissions"):
    """Refuse granting (in a role, user group or token) a permission the actor does not hold."""
    lacking = sorted(set(permissions) - set(access.permissions))
    if lacking:
        _refuse(
            f"You cannot grant permissions you do not hold yourself: {', '.join(lacking)}.",
            {field: [f"You do not hold: {', '.join(lacking)}."]},
        )


def check_scope_held(access, contact_group_ids, field="contact_group_ids"):
    """A scoped actor may only hand out a scope inside their own: some of their contact groups, never all."""
    if not access.scoped:
        return
    given = {str(group_id) for group_id in contact_group_ids or ()}
    if not given:
        _refuse(
            "You are limited to some contact groups, so what you create must be limited to them too.",
            {field: ["Choose at least one of your own contact groups."]},
        )
    outside = sorted(given - set(access.scope_group_ids))
    if outside:
        _refuse(
            "You cannot give access to contact groups outside your own data scope.",
            {field: [f"Outside your data scope: {', '.join(outside)}."]},
        )


def check_within(access, grant, field="user"):
    """Refuse acting on a user who holds more than the actor (a permission or contacts they lack)."""
    extra = sorted(grant.permissions - set(access.permissions))
    wider = access.scoped and (not grant.scoped or not grant.scope <= set(access.scope_group_ids))
    if extra or wider:
        _refuse(
            "You cannot change a user who holds more access than you do.",
            {field: [f"Holds more than you: {', '.join(extra) if extra else 'a wider data scope'}."]},
        )


def check_no_escalation(before, after, access, actor_user_id=None):
    """Compare {user id: Grant} before and after a change; refuse (PermissionDenied) if anyone gained a
    permission the actor lacks or contacts outside the actor's scope, or the actor's own access changed."""
    for user_id, new in after.items():
        old = before.get(user_id, NOTHING)
        if new == old:
            continue
        if actor_user_id is not None and str(user_id) == str(actor_user_id):
            _refuse(
                "You cannot change your own permissions or data scope; ask another admin.",
                {"user": ["This change would change your own access."]},
            )
        gained = sorted(new.permissions - old.permissions - set(access.permissions))
        if gained:
            _refuse(
                f"You cannot grant permissions you do not hold yourself: {', '.join(gained)}.",
                {"permissions": [f"You do not hold: {', '.join(gained)}."], "user": [str(user_id)]},
            )
        if access.scoped and old.scoped:
            if not new.scoped:
                _refuse(
                    "This change would let a user see every contact; you are limited to some contact groups.",
                    {"contact_group_ids": ["Would lift a user's data scope."], "user": [str(user_id)]},
                )
            outside = sorted(new.scope - old.scope - set(access.scope_group_ids))
            if outside:
                _refuse(
                    "You cannot give access to contact groups outside your own data scope.",
                    {
                        "contact_group_ids": [f"Outside your data scope: {', '.join(outside)}."],
                        "user": [str(user_id)],
                    },
                )
