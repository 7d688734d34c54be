"""The core every area of the gateway builds on: ``GatewayCore`` declares the capabilities a route needs
(its dependencies: configuration, the gateway's database, the calling context, the services over the bus,
the gateway's audit trail) and the methods on them (who is calling, acting as them, calling a service,
rendering a page, the error page). ``Area`` is what an area folder ``gateway/<area>/`` declares.

An area's route classes subclass GatewayCore (directly, or through a class of helpers of their own area)
and use only what is declared here or in their own area: gateway/tests/test_areas.py checks it. Plain
helpers several areas share are functions in the gateway's root modules (web_helpers, base, auth, …).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import eventlet
from nameko.dependency_providers import Config
from nameko.exceptions import IncorrectSignature, RemoteError, UnknownService
from werkzeug.wrappers import Request, Response

from gateway import api_tokens, audit_scope, auth, proxies
from gateway.accounts import totp_enabled
from gateway.auth import Principal
from gateway.base import OPTIONAL_SERVICES, SERVICES, signature_error
from gateway.principal_cache import READ_METHODS, PrincipalCacheProvider
from gateway.roles import AUDIT_VIEW, DELETE, EDIT, is_reviewer
from gateway.secret_box import SecretKeys
from gateway.web_helpers import (
    FLASH_COOKIE,
    HOME_PATH,
    TOTP_SETUP_PATH,
    CsrfFailed,
    LoginRequired,
    ReviewerHome,
    TotpSetupRequired,
    current_path,
    delete_cookie,
    error_status,
    flash_of,
    html_response,
    language_of,
    render_html,
    template_extras,
)
from piiri.audit import AuditTrail
from piiri.context import Context
from piiri.db import Database
from piiri.errors import (
    PasswordChangeRequired,
    PermissionDenied,
    PiiriError,
    ServiceUnavailable,
)
from piiri.rpc import TransientRequests as RpcProxy

log = logging.getLogger(__name__)

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Area:
    """One area of the gateway, as its ``gateway/<name>/__init__.py`` declares it (listed in
    gateway/areas.py). Its templates are in ``gateway/<name>/templates/`` under their full names
    (``groups/list.html`` is ``gateway/groups/templates/groups/list.html``)."""

    name: str
    routes: tuple[type, ...]  # its route classes (GatewayCore subclasses), whose @http methods it serves
    # Templates it adds to a contact's page below its details; each gets the page's context, including
    # ``contact`` with the area's part from get_contact.
    contact_sections: tuple[str, ...] = ()
    # Templates it adds inside the contact page's one data-protection card (the data_protection area's
    # section), after the consents: e.g. the access report and erasure (gdpr).
    contact_privacy_parts: tuple[str, ...] = ()
    # Templates it adds inside the contact list's search form; each gets ``filters`` (the active
    # {name: value}) and submits its controls as query arguments.
    list_filters: tuple[str, ...] = ()
    # Templates it adds above the contact list's results, in its search form, to say what an active filter
    # of its own limits the list to (a group, the dashboard's "members only"), with the filter's hidden
    # inputs; shown while the filter controls (list_filters) are folded away (issue 13 item 4).
    list_notes: tuple[str, ...] = ()
    # Parts it adds to the contact form: (name, template, read). ``name`` is the part's key in the
    # contact and the posted data, ``template`` is included before the buttons, ``read(form)`` gives its
    # value from a posted form (None if it has none); errors keyed "<name>" or "<name>.<x>" stay beside it.
    contact_form_parts: tuple[tuple[str, str, Callable[[Any], Any]], ...] = ()
    # Functions ``(gateway, request, principal) -> {name: value}`` that add to every page's template
    # context; keep what they add lazy (most pages never use it).
    template_extras: tuple[Callable[..., dict[str, Any]], ...] = ()


class GatewayCore:
    """The capabilities every route has. On a worker, nameko replaces each dependency below by its value:
    ``config`` a dict, ``db`` the worker's database (``db.session``), ``context`` the calling context,
    ``contacts``/``imports``/``audit``/``exports``/``surveys``/``mailing``/``billing`` RPC proxies (call
    them through ``call``),
    ``audit_trail`` the gateway's audit trail (its own changes and uses: users, roles, user groups, API
    tokens, S1 account security), ``secret_keys`` the keys of the TOTP secrets at rest (issue 12 item 7h),
    ``principal_cache`` the process's cache of authenticated callers (issue 18).
    """

    config: Any = Config()
    db: Any = Database("gateway")
    context: Any = Context()
    secret_keys: Any = SecretKeys()
    contacts: Any = RpcProxy("contacts")
    imports: Any = RpcProxy("imports")
    audit: Any = RpcProxy("audit")
    exports: Any = RpcProxy("exports")
    surveys: Any = RpcProxy("surveys")
    mailing: Any = RpcProxy("mailing")
    billing: Any = RpcProxy("billing")
    audit_trail: Any = AuditTrail("gateway")
    principal_cache: Any = PrincipalCacheProvider()

    # --- configuration ------------------------------------------------------------------------------

    @property
    def settings(self) -> dict[str, Any]:
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

    def client_address(self, request: Request) -> str:
        """The client's address, behind ``TRUSTED_PROXIES`` proxies (gateway/proxies.py): for the login
        throttle and the audit."""
        return proxies.client_address(request.remote_addr, request.headers, proxies.trusted_hops(self.config))

    # --- who is calling -----------------------------------------------------------------------------

    def principal(self, request: Request) -> Principal | None:
        """The authenticated caller (bearer token first, then session cookie), or None."""
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            secret = header[7:].strip()
            if api_tokens.is_api_token(secret):  # a token for another system (C6): acts as kind "token"
                return self.checked(request, "token", secret, lambda: self.api_token_principal(secret))
            return self.checked(
                request, "api", secret, lambda: auth.principal_for(self.db.session, secret, "api")
            )
        return self.session_principal(request)

    def api_token_principal(self, secret: str) -> Principal | None:
        principal, touched = api_tokens.principal_for(self.db.session, secret)
        if touched:  # at most once a minute per token, with its last_used_at
            self.audit_trail.read(principal.actor, "api_token.used", "api_token", [principal.user["id"]])
        return principal

    def checked(
        self, request: Request, kind: str, secret: str | None, load: Callable[[], Principal | None]
    ) -> Principal | None:
        """``load()`` (the database's answer for the secret), or for a read the cached answer of the last
        few seconds (gateway/principal_cache.py: issue 18)."""
        if not secret:
            return None
        if request.method not in READ_METHODS:
            return load()
        return self.principal_cache.lookup((kind, auth.digest(secret)), load)

    def act_as(self, principal: Principal, permission: str | None = None) -> Principal:
        """Make every following RPC carry this caller; refuse early if they lack ``permission``."""
        if permission and not principal.can(permission):
            raise PermissionDenied(
                f"'{principal.user['username']}' lacks the permission '{permission}'",
                {"permission": permission},
            )
        self.context.act_as(principal.actor)
        return principal

    def api_principal(self, request: Request, permission: str | None = None) -> Principal:
        """The caller of an API route; cookie sessions must echo their CSRF token on writes."""
        principal = auth.require(self.principal(request))
        if principal.user.get("must_change_password"):
            raise PasswordChangeRequired(
                "An administrator reset this password: choose a new one in the web UI first.",
                {"username": principal.user["username"]},
            )
        self.check_api_csrf(request, principal)
        if is_reviewer(principal.user):  # Q3: an outside expert has the reviewer portal only
            raise PermissionDenied("review.portal_only", {"role": "reviewer"})
        return self.act_as(principal, permission)

    def check_api_csrf(self, request: Request, principal: Principal) -> None:
        if principal.kind == "web" and request.method in UNSAFE_METHODS:
            if not auth.same_secret(request.headers.get("X-CSRF-Token"), principal.csrf_token):
                raise PermissionDenied("Missing or wrong X-CSRF-Token header.", {"csrf": ["Required."]})

    def session_principal(self, request: Request) -> Principal | None:
        """The logged-in web user (session cookie only, never a bearer token), or None."""
        secret = request.cookies.get(auth.SESSION_COOKIE)
        return self.checked(
            request, "web", secret, lambda: auth.principal_for(self.db.session, secret, "web")
        )

    def web_principal(
        self, request: Request, permission: str | None = None, reviewer_ok: bool = False
    ) -> Principal:
        """The logged-in web user of a page (LoginRequired without one), acting as them.

        A reviewer (Q3) without two-factor login is sent to set it up (TotpSetupRequired) and, with it,
        refused every page but those that pass ``reviewer_ok`` (the reviewer portal, their own account)."""
        principal = self.session_principal(request)
        if principal is None:
            raise LoginRequired()
        if principal.user.get("must_change_password"):
            raise PasswordChangeRequired("Choose a new password first.")  # web_page sends them to the form
        if is_reviewer(principal.user):
            if not totp_enabled(principal.user) and request.path != TOTP_SETUP_PATH:
                raise TotpSetupRequired("review.totp_required")
            if not reviewer_ok and request.path == HOME_PATH:
                raise ReviewerHome("review.portal_only")
            if not reviewer_ok:
                raise PermissionDenied("review.portal_only", {"role": "reviewer"})
        return self.act_as(principal, permission)

    # --- the services over the bus ------------------------------------------------------------------

    def call(self, service: str, method: str, *args: Any, timeout: float | None = None, **kwargs: Any) -> Any:
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

    def service_health(self) -> dict[str, str]:
        """{service: "ok" | error text}, every service asked over the bus at once with a short deadline."""

        def ping(service):
            try:
                self.call(service, "ping", timeout=3)
                return service, "ok"
            except PiiriError as exc:
                return service, exc.message

        return dict(eventlet.GreenPool().imap(ping, (*SERVICES, *OPTIONAL_SERVICES)))

    # --- the audit ----------------------------------------------------------------------------------

    def audit_staff_read(
        self, principal: Principal, action: str, subject_type: str, ids: Any, fields: Any = ()
    ) -> None:
        """Record a read of staff accounts, user groups or API tokens like any other read (issue 12 item
        7i): one record naming every one shown (none for an empty list); AuditUnavailable refuses it."""
        ids = [str(item) for item in ids]
        if ids:
            self.audit_trail.read(principal.actor, action, subject_type, ids, fields)

    def subject_events(
        self,
        principal: Principal,
        contact_id: str,
        limit: int,
        cursor: str | None = None,
        with_readers: bool = False,
    ) -> dict[str, Any]:
        """A page of a contact's audit trail as ``principal`` may see it: for a scoped user without the
        contacts outside their scope and without other users' search words (gateway/audit_scope.py)."""
        page = self.call(
            "audit", "events_for_subject", contact_id, limit=limit, cursor=cursor, with_readers=with_readers
        )
        if principal.access.scoped and page["items"]:
            check = audit_scope.ids_to_check(page["items"], contact_id)
            hidden = self.call("contacts", "contacts_out_of_scope", check) if check else []
            page = {**page, "items": audit_scope.redact(page["items"], hidden, principal.user["id"])}
        return page

    # --- pages --------------------------------------------------------------------------------------

    def contact_page_with(
        self, request: Request, principal: Principal, contact_id: str, status: int, **section_errors: Any
    ) -> Response:
        """The contact page again, with why a change from one of its sections was refused (e.g.
        ``person_errors=[...]``); without its audit trail, which the plain page loads."""
        contact = self.call("contacts", "get_contact", contact_id)
        return self.web_render(
            request, principal, "contact.html", status=status, contact=contact, trail=[],
            trail_failed=False, older_url=None, **section_errors,
        )  # fmt: skip

    def web_render(
        self, request: Request, principal: Principal | None, template: str, status: int = 200, **context: Any
    ) -> Response:
        """A full HTML page; consumes a pending flash message."""
        flash = flash_of(request)
        body = render_html(
            template,
            language_of(request),
            principal=principal,
            user=principal.user if principal else None,
            csrf_token=principal.csrf_token if principal else "",
            can={
                "edit": bool(principal and principal.can(EDIT)),
                "delete": bool(principal and principal.can(DELETE)),
                "audit": bool(principal and principal.can(AUDIT_VIEW)),
            },
            flash=flash,
            current=current_path(request),
            **template_extras(self, request, principal),
            status=status,
            **context,
        )
        response = html_response(body, status)
        if flash:
            delete_cookie(response, self.settings, FLASH_COOKIE)
        return response

    def error_page(self, request: Request, exc: PiiriError | None, incident: str | None = None) -> Response:
        """The HTML page for a PiiriError (or, with ``exc`` None, for a bug): never a stack trace."""
        try:
            principal = self.session_principal(request)
        except Exception:  # the error page must render even when the gateway's database is the problem
            principal = None
        if exc is None:
            status, key, detail = 500, "error.500", None
        elif isinstance(exc, CsrfFailed):
            status, key, detail = 403, "error.csrf", None
        else:
            status = error_status(exc)
            key, detail = f"error.{status}", exc.message if status == 400 else None
        return self.web_render(
            request,
            principal,
            "error.html",
            status=status,
            message_key=key,
            incident=incident or "",
            detail=detail,
        )
