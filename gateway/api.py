"""/api/v1: the JSON API for other systems (bearer token or session cookie + X-CSRF-Token)."""

from gateway import auth, worker_health
from gateway import openapi_core as schemas
from gateway.base import SERVICES, int_arg, json_body, search_filters
from gateway.http import http, json_response
from gateway.openapi import api_operation, openapi_document
from gateway.roles import AUDIT_VIEW, DELETE, EDIT, VIEW
from piiri import dead_letters
from piiri.errors import NotFound, PasswordChangeRequired, PermissionDenied, ValidationFailed
from piiri.messaging import queue_states

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def login_fields_are_text(data):
    """username, password (and totp, if given) must be text: a number, list or object is a 422 naming the
    field, never a 5xx (issue 12 item 6)."""
    errors = {
        name: ["Must be text."]
        for name in ("username", "password", "totp")
        if data.get(name) is not None and not isinstance(data.get(name), str)
    }
    if errors:
        raise ValidationFailed("The login fields must be text.", errors)


class ApiRoutes:
    def api_principal(self, request, permission=None):
        """The caller of an API route; cookie sessions must echo their CSRF token on writes."""
        principal = auth.require(self.principal(request))
        if principal.user.get("must_change_password"):
            raise PasswordChangeRequired(
                "An administrator reset this password: choose a new one in the web UI first.",
                {"username": principal.user["username"]},
            )
        self.check_api_csrf(request, principal)
        return self.act_as(principal, permission)

    def check_api_csrf(self, request, principal):
        if principal.kind == "web" and request.method in UNSAFE_METHODS:
            if not auth.same_secret(request.headers.get("X-CSRF-Token"), principal.csrf_token):
                raise PermissionDenied("Missing or wrong X-CSRF-Token header.", {"csrf": ["Required."]})

    @api_operation(
        "200 ok or degraded while contacts and audit answer over the bus; 503 otherwise",
        public=True,
        responses={200: schemas.Health},
    )
    @http("GET", "/health")
    def health(self, request):
        """200 "ok" when every service answers and each kind of worker runs; 200 "degraded" when only the
        exports or imports service or their workers are missing (their jobs wait), or while audit records
        wait in the audit dead letters (issue 11 item 6); 503 "unavailable" when contacts or audit, which
        every request needs, do not answer. ``dead_letters`` counts each dead-letter queue. The answer is
        cached for ``HEALTH_TTL`` seconds (worker_health.HealthCache, issue 18)."""
        status, body = self.health_cache.get(self.current_health)
        return json_response(body, status=status)

    def current_health(self):
        """(HTTP status, body) of GET /health, asked of the services and the broker now."""
        services = self.service_health()
        states = queue_states(  # one broker connection for the workers' and the dead letters' queues
            self.config["AMQP_URI"], [*worker_health.WORKER_QUEUES.values(), *dead_letters.QUEUE_NAMES]
        )
        workers = worker_health.consumers_of(states)
        letters = dead_letters.messages_in(states)
        if any(services[name] != "ok" for name in SERVICES):
            status = "unavailable"
        elif (
            any(state != "ok" for state in services.values())
            or not all(workers.values())
            or letters[dead_letters.AUDIT_DEAD_LETTERS.name] != 0
        ):
            status = "degraded"
        else:
            status = "ok"
        body = {"status": status, "services": services, "workers": workers, "dead_letters": letters}
        return 503 if status == "unavailable" else 200, body

    @api_operation(
        "This OpenAPI document", public=True, responses={200: (schemas.AnyObject, "OpenAPI 3 document")}
    )
    @http("GET", "/api/v1/openapi.json")
    def openapi(self, request):
        return json_response(openapi_document(), headers={"Cache-Control": "public, max-age=300"})

    @api_operation(
        "Exchange username and password for a bearer token",
        public=True,
        body=schemas.TokenRequest,
        responses={
            201: (schemas.TokenResponse, "Token issued"),
            423: (schemas.Error, "account_locked: too many failed logins; until details.locked_until"),
        },
        errors=(401, 403, 429),
    )
    @http("POST", "/api/v1/auth/token")
    def issue_token(self, request):
        data = request.get_json(silent=True) if request.is_json else request.form
        data = data if hasattr(data, "get") else {}
        login_fields_are_text(data)
        secret, principal = auth.login(
            self.db.session,
            data.get("username"),
            data.get("password"),
            self.client_address(request),
            "api",
            self.settings,
            totp=data.get("totp"),
            audit=self.account_audit(),
        )
        return json_response(
            {
                "token": secret,
                "token_type": "Bearer",
                "username": principal.user["username"],
                "role": principal.user["role"],
            },
            status=201,
        )

    @api_operation(
        "Revoke the token used for this call (an API token for another system for good)",
        responses={200: "Revoked"},
    )
    @http("DELETE", "/api/v1/auth/token")
    def revoke_token(self, request):
        """End the caller's own login token or session; an API token for another system is revoked for
        good (audited as api_token.revoked), as the token admin would (issue 12 item 7e)."""
        principal = auth.require(self.principal(request))
        self.check_api_csrf(request, principal)  # a cookie session ends only with its token (S1)
        if principal.kind == "token":
            self.act_as(principal)
            token = self.token_revoke(principal, principal.user["id"])
            return json_response({"revoked": True, "api_token_id": str(token["id"])})
        auth.logout(self.db.session, principal)
        return json_response({"revoked": True})

    @api_operation(
        "Search contacts: accent- and case-insensitive, prefix and typo tolerant",
        permission="contacts.view",
        query=schemas.ListContactsQuery,
        responses={200: schemas.ContactPage},
        errors=(403, 422),
    )
    @http("GET", "/api/v1/contacts")
    def list_contacts(self, request):
        self.api_principal(request, VIEW)
        args = request.args
        page = self.call(
            "contacts",
            "search_contacts",
            q=args.get("q", ""),
            limit=args.get("limit"),
            cursor=args.get("cursor"),
            filters=search_filters(args),
        )
        return json_response(page)

    @api_operation(
        "Create a contact",
        permission="contacts.edit",
        body=schemas.ContactInput,
        responses={201: (schemas.Contact, "Created")},
        errors=(403, 422),
    )
    @http("POST", "/api/v1/contacts")
    def create_contact(self, request):
        self.api_principal(request, EDIT)
        contact = self.call("contacts", "create_contact", json_body(request))
        return json_response(contact, status=201, headers={"Location": f"/api/v1/contacts/{contact['id']}"})

    @api_operation(
        "One contact", permission="contacts.view", responses={200: schemas.Contact}, errors=(403, 404)
    )
    @http("GET", "/api/v1/contacts/<contact_id>")
    def get_contact(self, request, contact_id):
        self.api_principal(request, VIEW)
        return json_response(self.call("contacts", "get_contact", contact_id))

    @api_operation(
        "Change some fields of a contact",
        permission="contacts.edit",
        body=schemas.ContactInput,
        responses={200: schemas.Contact},
        errors=(403, 404, 422),
    )
    @http("PATCH", "/api/v1/contacts/<contact_id>")
    def update_contact(self, request, contact_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("contacts", "update_contact", contact_id, json_body(request)))

    @api_operation(
        "Delete a contact", permission="contacts.delete", responses={200: "Deleted"}, errors=(403, 404)
    )
    @http("DELETE", "/api/v1/contacts/<contact_id>")
    def delete_contact(self, request, contact_id):
        self.api_principal(request, DELETE)
        return json_response(self.call("contacts", "delete_contact", contact_id))

    @api_operation(
        "Who viewed and changed this contact, newest first",
        permission="audit.view",
        query=schemas.ContactAuditQuery,
        responses={200: schemas.AuditPage},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/contacts/<contact_id>/audit")
    def contact_audit(self, request, contact_id):
        principal = self.api_principal(request, AUDIT_VIEW)
        # C6: a scoped caller gets a contact's trail only once the contact is visible to them.
        if principal.access.scoped and not self.call("contacts", "contact_exists", contact_id):
            raise NotFound(f"No contact with id {contact_id}.", {"id": contact_id})
        page = self.subject_events(
            principal, contact_id, int_arg(request.args, "limit", 50), request.args.get("cursor")
        )
        # A deleted contact keeps its trail; an id that never existed is a 404.
        if not page["items"] and not self.call("contacts", "contact_exists", contact_id):
            raise NotFound(f"No contact with id {contact_id}.", {"id": contact_id})
        return json_response(page)
