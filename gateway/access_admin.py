"""Admins' changes to access control (C6): roles, users and user groups with members, granted role and
data scope. Plain functions on the gateway database; they never commit (the route audits, then commits).
"""

import re
import uuid

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from gateway import users as user_store
from gateway.models import roles, sessions, user_group_members, user_group_scopes, user_groups, users
from gateway.roles import MANAGE_USERS, PERMISSION_CODES, access_for_user
from piiri.collation import finnish
from piiri.errors import Conflict, NotFound, ValidationFailed, coded

ROLE_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
USER_FIELDS = ("display_name", "role", "language", "active")
GROUP_FIELDS = ("name", "description", "role", "member_ids", "contact_group_ids")


def _object(data):
    if not isinstance(data, dict):
        raise ValidationFailed("admin.err.not_object", {"_schema": ["admin.err.not_object"]})
    return data


def _text(data, name, errors, required=False, limit=200):
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        errors[name] = [coded("admin.err.text" if required else "admin.err.text_optional", limit=limit)]
        return None
    return value.strip()


def _ids(data, name, errors):
    values = data.get(name)
    if values is None:
        return None
    if not isinstance(values, list):
        errors[name] = ["admin.err.id_list"]
        return None
    ids = []
    for value in values:
        try:
            ids.append(uuid.UUID(str(value)))
        except ValueError:
            errors.setdefault(name, []).append(coded("admin.err.not_id", value=str(value)))
    return list(dict.fromkeys(ids))


def _uuid(value, not_found_code):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound(not_found_code, {"id": str(value)}, {"id": str(value)}) from None


# --- roles --------------------------------------------------------------------------------------------


def list_roles(session):
    """Every role with how many users have it and how many user groups grant it."""
    user_count = select(func.count()).select_from(users).where(users.c.role == roles.c.code).scalar_subquery()
    group_count = (
        select(func.count())
        .select_from(user_groups)
        .where(user_groups.c.role == roles.c.code)
        .scalar_subquery()
    )
    rows = session.execute(
        select(roles, user_count.label("user_count"), group_count.label("group_count")).order_by(
            roles.c.builtin.desc(), roles.c.code
        )
    )
    return [_role_view(dict(row._mapping)) for row in rows]


def _role_view(row):
    order = {code: index for index, code in enumerate(PERMISSION_CODES)}
    row["permissions"] = sorted(row["permissions"] or [], key=lambda code: order.get(code, 99))
    return row


def get_role(session, code, for_update=False):
    query = select(roles).where(roles.c.code == str(code))
    row = session.execute(query.with_for_update() if for_update else query).first()
    if row is None:
        raise NotFound("admin.err.no_role", {"code": str(code)}, {"code": str(code)})
    return _role_view(dict(row._mapping))


def _permissions(data, errors):
    permissions = data.get("permissions")
    if not isinstance(permissions, list):
        errors["permissions"] = ["admin.err.permission_list"]
        return None
    unknown = [str(code) for code in permissions if code not in PERMISSION_CODES]
    if unknown:
        errors["permissions"] = [coded("admin.err.unknown_permission", codes=", ".join(unknown))]
        return None
    return [code for code in PERMISSION_CODES if code in permissions]


def create_role(session, data):
    data = _object(data)
    errors = {}
    code = data.get("code")
    if not isinstance(code, str) or not ROLE_CODE.match(code):
        errors["code"] = ["admin.err.role_code"]
    values = {
        "code": code,
        "label_fi": _text(data, "label_fi", errors, required=True, limit=100),
        "label_en": _text(data, "label_en", errors, required=True, limit=100),
        "permissions": _permissions(data, errors),
    }
    if errors:
        raise ValidationFailed("admin.err.invalid", errors)
    if session.execute(select(roles.c.code).where(roles.c.code == code)).first():
        raise Conflict("admin.err.name_taken", {"code": ["admin.err.taken"]})
    session.execute(insert(roles).values(**values, builtin=False))
    return get_role(session, code)


def update_role(session, code, data):
    """Change labels (and, unless built-in, permissions); returns (role, changed field names)."""
    data = _object(data)
    current = get_role(session, code, for_update=True)
    errors, values = {}, {}
    for name in ("label_fi", "label_en"):
        if name in data:
            values[name] = _text(data, name, errors, required=True, limit=100)
    if "permissions" in data:
        permissions = _permissions(data, errors)
        if current["builtin"] and permissions is not None and permissions != current["permissions"]:
            errors["permissions"] = ["admin.err.builtin_permissions"]
        values["permissions"] = permissions
    if "code" in data and data["code"] != current["code"]:
        errors["code"] = ["admin.err.code_fixed"]
    if errors:
        raise ValidationFailed("admin.err.invalid", errors)
    changed = sorted(name for name, value in values.items() if current[name] != value)
    if changed:
        session.execute(update(roles).where(roles.c.code == current["code"]).values(**values))
    return get_role(session, current["code"]), changed


def delete_role(session, code):
    role = get_role(session, code, for_update=True)
    if role["builtin"]:
        raise Conflict("admin.err.builtin_delete", {"code": ["admin.err.builtin_delete"]})
    holders = session.execute(select(func.count()).where(users.c.role == role["code"])).scalar_one()
    granting = session.execute(select(func.count()).where(user_groups.c.role == role["code"])).scalar_one()
    if holders or granting:
        in_use = coded("admin.err.in_use", users=holders, groups=granting)
        raise Conflict("admin.err.in_use", {"code": [in_use]}, in_use["params"])
    session.execute(delete(roles).where(roles.c.code == role["code"]))
    return role


# --- users --------------------------------------------------------------------------------------------

PUBLIC_USER_COLUMNS = [
    users.c[name]
    for name in ("id", "username", "display_name", "role", "language", "active", "created_at", "locked_until")
]


def list_users(session):
    rows = session.execute(select(*PUBLIC_USER_COLUMNS).order_by(finnish(users.c.username), users.c.id))
    found = [dict(row._mapping) for row in rows]
    memberships = _groups_of_users(session, [row["id"] for row in found])
    for row in found:
        row["user_groups"] = memberships.get(row["id"], [])
    return found


def _groups_of_users(session, user_ids):
    if not user_ids:
        return {}
    rows = session.execute(
        select(user_group_members.c.user_id, user_groups.c.id, user_groups.c.name)
        .join(user_groups, user_groups.c.id == user_group_members.c.user_group_id)
        .where(user_group_members.c.user_id.in_(user_ids))
        .order_by(finnish(user_groups.c.name), user_groups.c.id)
    )
    result = {}
    for user_id, group_id, name in rows:
        result.setdefault(user_id, []).append({"id": group_id, "name": name})
    return result


def get_user(session, user_id, for_update=False):
    query = select(*PUBLIC_USER_COLUMNS).where(users.c.id == _uuid(user_id, "admin.err.no_user"))
    row = session.execute(query.with_for_update() if for_update else query).first()
    if row is None:
        raise NotFound("admin.err.no_user", {"id": str(user_id)}, {"id": str(user_id)})
    user = dict(row._mapping)
    user["user_groups"] = _groups_of_users(session, [user["id"]]).get(user["id"], [])
    user["access"] = access_for_user(session, user["id"], user["role"])
    return user


def create_user(session, data):
    data = _object(data)
    user = user_store.create_user(
        session,
        username=data.get("username") if isinstance(data.get("username"), str) else "",
        password=data.get("password") if isinstance(data.get("password"), str) else "",
        role=data.get("role") or "read_only",  # S1: least privilege unless the admin chooses more
        display_name=data.get("display_name") or None,
        language=data.get("language") or "fi",
        commit=False,
    )
    return get_user(session, user["id"])


def join_limited_groups_of(session, admin_id, user_id):
    """Make ``user_id`` a member of every user group limited to contact groups that ``admin_id`` is in."""
    limited = (
        select(user_group_members.c.user_group_id)
        .join(user_group_scopes, user_group_scopes.c.user_group_id == user_group_members.c.user_group_id)
        .where(user_group_members.c.user_id == admin_id)
        .distinct()
    )
    group_ids = session.execute(limited).scalars().all()
    if group_ids:
        session.execute(
            insert(user_group_members), [{"user_group_id": gid, "user_id": user_id} for gid in group_ids]
        )


def update_user(session, user_id, data):
    """Change display name, role, language, active; returns (user, changed field names)."""
    data = _object(data)
    current = get_user(session, user_id, for_update=True)
    errors, values = {}, {}
    unknown = sorted(set(data) - set(USER_FIELDS))
    for name in unknown:
        errors[name] = [coded("admin.err.unknown_field", fields=", ".join(USER_FIELDS))]
    if "display_name" in data:
        values["display_name"] = _text(data, "display_name", errors, required=True)
    if "role" in data:
        problem = user_store.role_error(session, data["role"])
        if problem:
            errors["role"] = [problem]
        values["role"] = data["role"]
    if "language" in data:
        if data["language"] not in ("fi", "sv", "en"):
            errors["language"] = [coded("admin.err.one_of", codes="fi, sv, en")]
        values["language"] = data["language"]
    if "active" in data:
        if not isinstance(data["active"], bool):
            errors["active"] = ["admin.err.boolean"]
        values["active"] = data["active"]
    if errors:
        raise ValidationFailed("admin.err.invalid", errors)
    changed = sorted(name for name, value in values.items() if current[name] != value)
    if changed:
        session.execute(update(users).where(users.c.id == current["id"]).values(**values))
        if values.get("active") is False:  # a deactivated user's sessions end at once
            session.execute(delete(sessions).where(sessions.c.user_id == current["id"]))
    return get_user(session, current["id"]), changed


def check_admin_keeps_access(session, admin_id):
    """Refuse (Conflict) a change after which the acting admin would lose users.manage or be inactive."""
    row = session.execute(select(users.c.role, users.c.active).where(users.c.id == admin_id)).first()
    if row is None or not row.active:
        raise Conflict("admin.err.self_deactivate", {"active": ["admin.err.self_deactivate"]})
    if not access_for_user(session, admin_id, row.role).can(MANAGE_USERS):
        raise Conflict("admin.err.self_manage", {"permission": [MANAGE_USERS]})


# --- user groups ------------------------------------------------------------------------------------


def list_user_groups(session):
    rows = session.execute(select(user_groups).order_by(finnish(user_groups.c.name), user_groups.c.id))
    groups = [dict(row._mapping) for row in rows]
    _with_members_and_scopes(session, groups)
    return groups


def _with_members_and_scopes(session, groups):
    ids = [group["id"] for group in groups]
    members, scopes = {}, {}
    if ids:
        for group_id, user_id, username in session.execute(
            select(user_group_members.c.user_group_id, users.c.id, users.c.username)
            .join(users, users.c.id == user_group_members.c.user_id)
            .where(user_group_members.c.user_group_id.in_(ids))
            .order_by(finnish(users.c.username), users.c.id)
        ):
            members.setdefault(group_id, []).append({"id": user_id, "username": username})
        for group_id, contact_group_id in session.execute(
            select(user_group_scopes.c.user_group_id, user_group_scopes.c.contact_group_id).where(
                user_group_scopes.c.user_group_id.in_(ids)
            )
        ):
            scopes.setdefault(group_id, []).append(str(contact_group_id))
    for group in groups:
        group["members"] = members.get(group["id"], [])
        group["member_ids"] = [str(member["id"]) for member in group["members"]]
        group["contact_group_ids"] = sorted(scopes.get(group["id"], []))
        group["limited"] = bool(group["contact_group_ids"])


def get_user_group(session, group_id, for_update=False):
    query = select(user_groups).where(user_groups.c.id == _uuid(group_id, "admin.err.no_user_group"))
    row = session.execute(query.with_for_update() if for_update else query).first()
    if row is None:
        raise NotFound("admin.err.no_user_group", {"id": str(group_id)}, {"id": str(group_id)})
    group = dict(row._mapping)
    _with_members_and_scopes(session, [group])
    return group


def _group_values(session, data, partial, known_contact_group_ids=None):
    """Checked {name, description, role, member_ids, contact_group_ids} (only those given if partial)."""
    data = _object(data)
    errors, values = {}, {}
    for name in sorted(set(data) - set(GROUP_FIELDS)):
        errors[name] = [coded("admin.err.unknown_field", fields=", ".join(GROUP_FIELDS))]
    if "name" in data or not partial:
        values["name"] = _text(data, "name", errors, required=True, limit=150)
    if "description" in data:
        values["description"] = _text(data, "description", errors, limit=2000) or None
    if "role" in data:
        role = data["role"] or None
        problem = user_store.role_error(session, role) if role else None
        if problem:
            errors["role"] = [problem]
        values["role"] = role
    for name in ("member_ids", "contact_group_ids"):
        if name in data:
            values[name] = _ids(data, name, errors) or []
    if values.get("member_ids"):
        found = set(session.execute(select(users.c.id).where(users.c.id.in_(values["member_ids"]))).scalars())
        missing = [str(user_id) for user_id in values["member_ids"] if user_id not in found]
        if missing:
            errors["member_ids"] = [coded("admin.err.no_users", ids=", ".join(missing))]
    if values.get("contact_group_ids") and known_contact_group_ids is not None:
        missing = [str(gid) for gid in values["contact_group_ids"] if str(gid) not in known_contact_group_ids]
        if missing:
            errors["contact_group_ids"] = [coded("admin.err.no_group", ids=", ".join(missing))]
    if errors:
        raise ValidationFailed("admin.err.invalid", errors)
    return values


def _write_links(session, group_id, values):
    if "member_ids" in values:
        session.execute(delete(user_group_members).where(user_group_members.c.user_group_id == group_id))
        if values["member_ids"]:
            session.execute(
                insert(user_group_members),
                [{"user_group_id": group_id, "user_id": user_id} for user_id in values["member_ids"]],
            )
    if "contact_group_ids" in values:
        session.execute(delete(user_group_scopes).where(user_group_scopes.c.user_group_id == group_id))
        if values["contact_group_ids"]:
            session.execute(
                insert(user_group_scopes),
                [{"user_group_id": group_id, "contact_group_id": gid} for gid in values["contact_group_ids"]],
            )


def _unique_name(session, name, exclude_id=None):
    query = select(user_groups.c.id).where(func.lower(user_groups.c.name) == name.lower())
    if exclude_id is not None:
        query = query.where(user_groups.c.id != exclude_id)
    if session.execute(query).first():
        raise Conflict("admin.err.name_taken", {"name": ["admin.err.taken"]})


def create_user_group(session, data, known_contact_group_ids=None):
    values = _group_values(session, data, partial=False, known_contact_group_ids=known_contact_group_ids)
    _unique_name(session, values["name"])
    columns = {name: values.get(name) for name in ("name", "description", "role")}
    try:
        group_id = session.execute(
            insert(user_groups).values(**columns).returning(user_groups.c.id)
        ).scalar_one()
    except IntegrityError:
        raise Conflict("admin.err.name_taken", {"name": ["admin.err.taken"]}) from None
    _write_links(session, group_id, values)
    return get_user_group(session, group_id)


def update_user_group(session, group_id, data, known_contact_group_ids=None):
    """Returns (group, changed field names)."""
    current = get_user_group(session, group_id, for_update=True)
    values = _group_values(session, data, partial=True, known_contact_group_ids=known_contact_group_ids)
    if "name" in values:
        _unique_name(session, values["name"], current["id"])
    compare = {
        **current,
        "member_ids": [uuid.UUID(value) for value in current["member_ids"]],
        "contact_group_ids": [uuid.UUID(value) for value in current["contact_group_ids"]],
    }
    changed = sorted(
        name
        for name, value in values.items()
        if (sorted(map(str, value)) if isinstance(value, list) else value)
        != (sorted(map(str, compare[name])) if isinstance(compare[name], list) else compare[name])
    )
    columns = {name: values[name] for name in ("name", "description", "role") if name in values}
    if columns:
        session.execute(update(user_groups).where(user_groups.c.id == current["id"]).values(**columns))
    _write_links(session, current["id"], values)
    return get_user_group(session, current["id"]), changed


def delete_user_group(session, group_id):
    group = get_user_group(session, group_id, for_update=True)
    session.execute(delete(user_groups).where(user_groups.c.id == group["id"]))
    return group
