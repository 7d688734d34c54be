"""The permission catalogue and what a caller may do (C6, S1): roles are rows of the roles table; a user's
permissions are their own role's and those of the roles their user groups grant; their data scope is the
union of the contact groups of the limited user groups they belong to (none limited: every contact).

Read once per request (gateway/auth.py builds the Principal with its Access), never per check.
"""

from dataclasses import dataclass

from sqlalchemy import select, union

from gateway.models import roles, user_group_members, user_group_scopes, user_groups

VIEW = "contacts.view"
EDIT = "contacts.edit"
DELETE = "contacts.delete"
EXPORT = "contacts.export"
IMPORT = "contacts.import"
MAIL_SEND = "mail.send"
MANAGE_INVOICES = "invoices.manage"
MANAGE_GROUPS = "groups.manage"  # create, rename, move, archive groups (C7); members need only EDIT
MANAGE_FIELDS = "fields.manage"  # define, change, remove, purge custom fields (C3); values need only EDIT
MANAGE_AUTOMATIONS = "automations.manage"  # set up, change, dry-run group automations (C8)
MANAGE_USERS = "users.manage"  # users, roles, user groups, API tokens (C6)
AUDIT_VIEW = "audit.view"
GDPR_OFFICER = "gdpr.officer"

# (code, Finnish label, English label), in the order the UI lists them.
PERMISSIONS = (
    (VIEW, "Yhteystietojen katselu", "View contacts"),
    (EDIT, "Yhteystietojen muokkaus", "Edit contacts"),
    (DELETE, "Yhteystietojen poisto", "Delete contacts"),
    (EXPORT, "Vienti", "Export"),
    (IMPORT, "Tuonti", "Import"),
    (MAIL_SEND, "Postitusten lähetys", "Send mail"),
    (MANAGE_INVOICES, "Laskutus", "Invoicing"),
    (MANAGE_GROUPS, "Ryhmien hallinta", "Manage groups"),
    (MANAGE_FIELDS, "Lisäkenttien hallinta", "Manage custom fields"),
    (MANAGE_AUTOMATIONS, "Automaatioiden hallinta", "Manage automations"),
    (MANAGE_USERS, "Käyttäjien hallinta", "Manage users"),
    (AUDIT_VIEW, "Lokin katselu", "View audit log"),
    (GDPR_OFFICER, "Tietosuojavastaava", "Data protection officer"),
)
PERMISSION_CODES = tuple(code for code, _, _ in PERMISSIONS)
# The built-in roles as migration 0002 inserts them: (code, Finnish label, English label, permissions).
BUILTIN_ROLE_ROWS = (
    ("admin", "Pääkäyttäjä", "Administrator", PERMISSION_CODES),
    ("staff", "Toimisto", "Staff", (VIEW, EDIT, EXPORT, IMPORT, AUDIT_VIEW)),
    ("read_only", "Lukuoikeus", "Read-only", (VIEW,)),
    ("mailer", "Viestijä", "Mailer", (VIEW, EXPORT, MAIL_SEND)),
    ("treasurer", "Taloudenhoitaja", "Treasurer", (VIEW, EDIT, EXPORT, MANAGE_INVOICES)),
    ("dpo", "Tietosuojavastaava", "Data protection officer", (VIEW, EXPORT, AUDIT_VIEW, GDPR_OFFICER)),
    # Q3: an outside expert (migration 0004): no registry permission; only the reviewer portal, with TOTP.
    ("reviewer", "Arvioija", "Reviewer", ()),
)
REVIEWER_ROLE = "reviewer"
BUILTIN_ROLES = tuple(code for code, _, _, _ in BUILTIN_ROLE_ROWS)


def restore_builtin_roles(connection):
    """Insert the built-in roles that are missing (tests empty every table between runs)."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    rows = [
        {"code": code, "label_fi": fi, "label_en": en, "permissions": list(permissions), "builtin": True}
        for code, fi, en, permissions in BUILTIN_ROLE_ROWS
    ]
    connection.execute(pg_insert(roles).values(rows).on_conflict_do_nothing(index_elements=["code"]))


def is_reviewer(user):
    """Whether the user is an outside expert (Q3): every route but the reviewer portal's refuses them."""
    return bool(user) and user.get("role") == REVIEWER_ROLE


def permission_label(code, language="fi"):
    for known, label_fi, label_en in PERMISSIONS:
        if known == code:
            return label_en if language == "en" else label_fi
    return code


@dataclass(frozen=True)
class Access:
    """What a caller may do: permissions (sorted codes), the roles they come from, the data scope."""

    permissions: tuple = ()
    roles: tuple = ()
    scoped: bool = False
    scope_group_ids: tuple = ()

    def can(self, permission):
        return permission in self.permissions


NO_ACCESS = Access()


def access_for_user(session, user_id, role):
    """The user's Access: their role's permissions ∪ their user groups' roles'; scope from limited groups.

    Two queries: the roles with their permissions, the user's groups with their scopes.
    """
    granted = (
        select(user_groups.c.role.label("code"))
        .join(user_group_members, user_group_members.c.user_group_id == user_groups.c.id)
        .where(user_group_members.c.user_id == user_id, user_groups.c.role.is_not(None))
    )
    codes = union(select(roles.c.code).where(roles.c.code == role), granted).subquery("codes")
    rows = session.execute(
        select(roles.c.code, roles.c.permissions).join(codes, codes.c.code == roles.c.code)
    )
    permissions, role_codes = set(), []
    for code, granted_permissions in rows:
        role_codes.append(code)
        permissions.update(granted_permissions or ())
    scoped, scope = scope_of_user(session, user_id)
    return Access(
        permissions=tuple(sorted(permissions)),
        roles=tuple([role] + sorted(code for code in role_codes if code != role)),
        scoped=scoped,
        scope_group_ids=scope,
    )


def scope_of_user(session, user_id):
    """(scoped, contact group ids): the union of the contact groups of the user's limited groups."""
    rows = session.execute(
        select(user_group_scopes.c.contact_group_id)
        .join(user_group_members, user_group_members.c.user_group_id == user_group_scopes.c.user_group_id)
        .where(user_group_members.c.user_id == user_id)
    ).scalars()
    ids = sorted({str(group_id) for group_id in rows})
    return bool(ids), tuple(ids)


def access_for_token(token):
    """An API token's Access: exactly its permissions; scoped when it names contact groups."""
    groups = tuple(sorted(str(group_id) for group_id in token["contact_group_ids"] or ()))
    return Access(
        permissions=tuple(sorted(set(token["permissions"]) & set(PERMISSION_CODES))),
        roles=(),
        scoped=bool(groups),
        scope_group_ids=groups,
    )
