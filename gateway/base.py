"""What every gateway route shares: who is calling, calling a service as them, request parsing."""

import logging
import re

import eventlet
from nameko.exceptions import IncorrectSignature, RemoteError, UnknownService

from gateway import api_tokens, audit_scope, auth, proxies
from piiri.errors import PermissionDenied, PiiriError, ServiceUnavailable, ValidationFailed

SERVICES = ("contacts", "audit")  # every request needs them: /health is 503 while one does not answer
# Without these only starting exports and imports waits: /health says "degraded" and stays 200.
OPTIONAL_SERVICES = ("exports", "imports", "billing")

log = logging.getLogger(__name__)


class GatewayBase:
    """Mixed into GatewayService; the route mixins (api, web) call these."""

    @property
    def settings(self):
        config = self.config
        return {
            "rpc_timeout": float(config.get("RPC_TIMEOUT", 15)),
            "session_hours": float(config.get("SESSION_HOURS", 12)),
            "max_failures": int(config.get("LOGIN_MAX_FAILURES", 5)),
            "lock_minutes": int(config.get("LOGIN_LOCK_MINUTES", 15)),
            "address_max_failures": int(config.get("LOGIN_ADDRESS_MAX_FAILURES", 50)),
            "user_attack_failures": int(config.get("LOGIN_USER_ATTACK_FAILURES", 100)),
            "secure_cookies": str(config.get("SESSION_COOKIE_SECURE", "false")).lower()
            in ("1", "true", "yes"),
        }

    def client_address(self, request):
        """The client's address, behind ``TRUSTED_PROXIES`` proxies (gateway/proxies.py): for the login
        throttle and the audit."""
        return proxies.client_address(request.remote_addr, request.headers, proxies.trusted_hops(self.config))

    def principal(self, request):
        """The authenticated caller (bearer token first, then session cookie), or None."""
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            secret = header[7:].strip()
            if api_tokens.is_api_token(secret):  # a token for another system (C6): acts as kind "token"
                principal, touched = api_tokens.principal_for(self.db.session, secret)
                if touched:  # at most once a minute per token, with its last_used_at
                    self.audit_trail.read(
                        principal.actor, "api_token.used", "api_token", [principal.user["id"]]
                    )
                return principal
            return auth.principal_for(self.db.session, secret, "api")
        return auth.principal_for(self.db.session, request.cookies.get(auth.SESSION_COOKIE), "web")

    def act_as(self, principal, permission=None):
        """Make every following RPC carry this caller; refuse early if they lack ``permission``."""
        if permission and not principal.can(permission):
            raise PermissionDenied(
                f"'{principal.user['username']}' lacks the permission '{permission}'",
                {"permission": permission},
            )
        self.context.act_as(principal.actor)
        return principal

    def call(self, service, method, *args, timeout=None, **kwargs):
        """Call ``service.method`` over the bus with a deadline; errors arrive as PiiriErrors."""
        proxy = getattr(getattr(self, service), method)
        seconds = timeout or self.settings["rpc_timeout"]
        try:
            with eventlet.Timeout(seconds):
                return proxy.call_async(*args, **kwargs).result()
        except PiiriError:
            raise
        except eventlet.Timeout:
            raise ServiceUnavailable(f"The {service} service did not answer in {seconds:g} s.") from None
        except UnknownService:
            raise ServiceUnavailable(f"The {service} service is not running.") from None
        except IncorrectSignature as exc:  # a request without a required field, or with an unknown one
            raise signature_error(str(exc)) from None
        except RemoteError as exc:  # a bug in the service: logged here, never named to the client (item 7k)
            request_id = self.context.request_id
            log.error(
                "the %s service failed in request %s: %s: %s", service, request_id, exc.exc_type, exc.value
            )
            raise ServiceUnavailable(
                f"The {service} service failed (request {request_id}); it was logged.",
                {"request_id": request_id},
            ) from None

    def audit_staff_read(self, principal, action, subject_type, ids, fields=()):
        """Record a read of staff accounts, user groups or API tokens like any other read (issue 12 item
        7i): one record naming every one shown (none for an empty list); AuditUnavailable refuses it."""
        ids = [str(item) for item in ids]
        if ids:
            self.audit_trail.read(principal.actor, action, subject_type, ids, fields)

    def subject_events(self, principal, contact_id, limit, cursor=None):
        """A page of a contact's audit trail as ``principal`` may see it: for a scoped user without the
        contacts outside their scope and without other users' search words (gateway/audit_scope.py)."""
        page = self.call("audit", "events_for_subject", contact_id, limit=limit, cursor=cursor)
        if principal.access.scoped and page["items"]:
            check = audit_scope.ids_to_check(page["items"], contact_id)
            hidden = self.call("contacts", "contacts_out_of_scope", check) if check else []
            page = {**page, "items": audit_scope.redact(page["items"], hidden, principal.user["id"])}
        return page

    def service_health(self):
        """{service: "ok" | error text}, every service asked over the bus at once with a short deadline."""

        def ping(service):
            try:
                self.call(service, "ping", timeout=3)
                return service, "ok"
            except PiiriError as exc:
                return service, exc.message

        return dict(eventlet.GreenPool().imap(ping, (*SERVICES, *OPTIONAL_SERVICES)))


def signature_error(text):
    """ValidationFailed naming the fields of an RPC's refused arguments ("missing 1 required positional
    argument: 'name'", "got an unexpected keyword argument 'x'")."""
    missing = re.findall(r"'(\w+)'", text.split("argument", 1)[-1]) if "missing" in text else []
    unexpected = re.findall(r"unexpected keyword argument '(\w+)'", text)
    details = {name: ["Missing data for required field."] for name in missing}
    details.update({name: ["Unknown field."] for name in unexpected})
    return ValidationFailed("Some fields are missing or unknown.", details or {"_body": [text]})


def json_body(request):
    """The request's JSON object, or a clear 400-class error."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationFailed(
            "The request body must be a JSON object.", {"_body": ["Expected a JSON object."]}
        )
    return data


def int_arg(args, name, default):
    """A whole-number query argument, or a clear error naming it."""
    raw = args.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed(f"{name} must be a whole number.", {name: ["Not a whole number."]}) from None


PAGING_ARGS = ("q", "limit", "cursor")


def search_filters(args):
    """Every query argument of a contact search that is not q/limit/cursor is a structured filter;
    the contacts service knows the filters and refuses unknown ones by name."""
    return {name: value for name, value in args.items() if name not in PAGING_ARGS}
