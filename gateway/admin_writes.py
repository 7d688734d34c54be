"""Audited, guarded writes of the gateway's access data (C6, S1): roles, users, user groups and API
tokens. Used by the access area's administration and by the account area (a system revoking its own API
token at DELETE /api/v1/auth/token)."""

from gateway import access_admin, api_tokens, grants


def audited_write(session, audit_trail, principal, action, subject_type, change):
    """Run ``change(session) -> (result, subject ids, fields, details)`` in one transaction; refuse it if
    the acting admin would lose users.manage, change their own access or give anyone more than they hold
    (gateway/grants.py); publish the audit record on ``audit_trail``; then commit."""
    acting_user = None if principal.kind == "token" else principal.user["id"]
    try:
        before = grants.grants_of_users(session)
        result, subject_ids, fields, details = change(session)
        session.flush()
        if acting_user is not None:
            access_admin.check_admin_keeps_access(session, acting_user)
        grants.check_no_escalation(before, grants.grants_of_users(session), principal.access, acting_user)
        audit_trail.read(principal.actor, action, subject_type, subject_ids, fields, details)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return result


def revoke_api_token(session, audit_trail, principal, token_id):
    """Revoke an API token for good, audited as api_token.revoked; the token as it is now."""

    def change(session):
        token = api_tokens.revoke(session, token_id)
        return token, [token["id"]], ["revoked_at"], {"name": token["name"]}

    return audited_write(session, audit_trail, principal, "api_token.revoked", "api_token", change)
