"""Paid-up membership on a contact (B4, issue 15): the API and the contact-page form of the free or
honorary membership flag. The periods paid come with the contact (its ``paid_membership`` part, shown by
billing/_paid_membership.html); the ``paid_up`` and ``not_paid_up`` filters are contact-search filters."""

from gateway.base import json_body
from gateway.billing import schemas
from gateway.core import GatewayCore
from gateway.http import http, json_response
from gateway.openapi import api_operation
from gateway.roles import EDIT
from gateway.web_helpers import (
    error_lines,
    require_csrf,
    see_other,
    web_page,
    with_flash,
)
from piiri.errors import NotFound, ValidationFailed


class PaidMembershipRoutes(GatewayCore):
    @api_operation(
        (
            "B4: mark a membership free or honorary (paid up for every period), with the reason "
            "(contacts.edit, audited); publishes membership_paid_changed"
        ),
        permission="contacts.edit",
        body=schemas.MembershipFlagInput,
        responses={200: schemas.MembershipFlag},
        errors=(403, 404, 422),
    )
    @http("PUT", "/api/v1/contacts/<contact_id>/membership-flag")
    def api_set_membership_flag(self, request, contact_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("contacts", "set_membership_flag", contact_id, json_body(request)))

    @api_operation(
        "B4: remove the free or honorary membership flag (contacts.edit, audited)",
        permission="contacts.edit",
        responses={200: schemas.MembershipFlagCleared},
        errors=(403, 404),
    )
    @http("DELETE", "/api/v1/contacts/<contact_id>/membership-flag")
    def api_clear_membership_flag(self, request, contact_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("contacts", "clear_membership_flag", contact_id))

    @http("POST", "/contacts/<contact_id>/membership-flag")
    @web_page
    def web_set_membership_flag(self, request, contact_id):
        data = {name: request.form.get(name, "") for name in ("kind", "reason")}
        return self._paid_change(request, contact_id, "set_membership_flag", contact_id, data)

    @http("POST", "/contacts/<contact_id>/membership-flag/delete")
    @web_page
    def web_clear_membership_flag(self, request, contact_id):
        return self._paid_change(request, contact_id, "clear_membership_flag", contact_id)

    def _paid_change(self, request, contact_id, method, *args):
        """A change from the contact page's section; a refused one re-shows the page with why."""
        principal = self.web_principal(request, EDIT)
        require_csrf(request, principal)
        try:
            self.call("contacts", method, *args)
        except (ValidationFailed, NotFound) as exc:
            if isinstance(exc, NotFound) and method != "clear_membership_flag":
                raise
            return self.contact_page_with(
                request, principal, contact_id, exc.status,
                paid_membership_errors=error_lines(exc, request),
                paid_membership_form=args[-1] if isinstance(args[-1], dict) else {},
            )  # fmt: skip
        return with_flash(
            see_other(f"/contacts/{contact_id}#paid-membership"), self.settings, "flash.updated"
        )
