"""Roles and the permissions they grant (least privilege: staff cannot delete or manage users)."""

VIEW = "contacts.view"
EDIT = "contacts.edit"
DELETE = "contacts.delete"
AUDIT_VIEW = "audit.view"
MANAGE_USERS = "users.manage"
MANAGE_GROUPS = "groups.manage"  # create, rename, move, archive groups (C7); members need only EDIT
MANAGE_FIELDS = "fields.manage"  # define, change, remove, purge custom fields (C3); values need only EDIT
MANAGE_AUTOMATIONS = "automations.manage"  # set up, change, dry-run group automations (C8)

ROLE_PERMISSIONS = {
    "admin": (VIEW, EDIT, DELETE, AUDIT_VIEW, MANAGE_USERS, MANAGE_GROUPS, MANAGE_FIELDS, MANAGE_AUTOMATIONS),
    "staff": (VIEW, EDIT, AUDIT_VIEW),
}
ROLES = tuple(ROLE_PERMISSIONS)


def permissions_for(role):
    return ROLE_PERMISSIONS.get(role, ())
