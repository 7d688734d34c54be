"""Roles and the permissions they grant (least privilege: staff cannot delete or manage users)."""

VIEW = "contacts.view"
EDIT = "contacts.edit"
DELETE = "contacts.delete"
AUDIT_VIEW = "audit.view"
MANAGE_USERS = "users.manage"

ROLE_PERMISSIONS = {
    "admin": (VIEW, EDIT, DELETE, AUDIT_VIEW, MANAGE_USERS),
    "staff": (VIEW, EDIT, AUDIT_VIEW),
}
ROLES = tuple(ROLE_PERMISSIONS)


def permissions_for(role):
    return ROLE_PERMISSIONS.get(role, ())
