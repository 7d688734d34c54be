"""What the account area's API and web routes share: the audit hook of gateway/accounts.py and the guard
on an admin acting on another user."""

import uuid

from gateway import accounts, grants
from gateway.core import GatewayCore
from piiri.context import SYSTEM


class AccountCalls(GatewayCore):
    def account_audit(self, actor=None):
        """The ``audit`` hook of gateway/accounts.py: records published by the gateway's AuditTrail, acting as
        ``actor`` (the system for what an anonymous login attempt causes)."""
        return accounts.audit_hook(self.audit_trail, actor or SYSTEM)

    def guard_user_target(self, principal, user_id):
        """Refuse (403) acting on a user who holds more than the caller: a scoped user manager must not
        reset an admin's password or second factor and then log in as them (issue 12 item 3)."""
        session = self.db.session
        try:
            grant = grants.grants_of_users(session).get(uuid.UUID(str(user_id)))
        except ValueError:
            grant = None  # no such user: the action answers 404 itself
        session.rollback()
        if grant is not None:
            grants.check_within(principal.access, grant)
