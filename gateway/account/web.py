"""Web pages of login security (S1): login and logout, "My account" (password change, two-factor
set-up), the login's TOTP code page, and the admin's unlock / temporary password / TOTP reset actions on
a user.

The rules are in gateway/security.py and gateway/accounts.py; these routes only translate forms.
"""

from urllib.parse import urlencode

from gateway import (
    accounts,
    accounts_totp,
    auth,
)
from gateway.account.calls import AccountCalls
from gateway.http import http
from gateway.i18n import Translator
from gateway.roles import MANAGE_USERS
from gateway.security import LockoutPolicy
from gateway.web_helpers import (
    HOME_PATH,
    LoginRequired,
    delete_cookie,
    format_datetime,
    language_of,
    require_csrf,
    safe_next,
    see_other,
    set_cookie,
    web_page,
    with_flash,
)
from piiri.errors import (
    AccountLocked,
    NotAuthenticated,
    SecondFactorRequired,
    TooManyAttempts,
    ValidationFailed,
)

ACCOUNT_PATH = "/account"
PASSWORD_PATH = "/account/password"
TOTP_LOGIN_PATH = "/login/totp"
ACCOUNT_DONE = ("password_changed", "totp_enabled", "totp_disabled")
ADMIN_USERS_PATH = "/admin/users"


def after_login_path(user, next_path):
    """Where a browser goes after the password: the code page, the forced password change, or ``next``."""
    target = safe_next(next_path)
    if accounts.totp_enabled(user):
        return f"{TOTP_LOGIN_PATH}?" + urlencode({"next": target}) if target != HOME_PATH else TOTP_LOGIN_PATH
    if user.get("must_change_password"):
        return PASSWORD_PATH
    return target


def locked_message(exc, language):
    """The login page's (key, values) for an AccountLocked error: until when, in local time."""
    return "login.locked", {"until": format_datetime(exc.details.get("locked_until"), language)}


def form_errors(details, t):
    """ValidationFailed details -> {field: [messages in the user's language]}."""
    errors = {}
    for name, messages in (details or {}).items():
        if isinstance(messages, str):
            messages = [messages]
        if isinstance(messages, list):
            errors[name] = [t.service_message(message) for message in messages]
    return errors


def account_security_extra(gateway, request, principal):
    """``account_security(user_id)`` for the admin's user page: that user's login security (lazy)."""
    if principal is None or not principal.can(MANAGE_USERS):
        return {}

    def account_security(user_id):
        return accounts.admin_view(accounts.user_by_id(gateway.db.session, user_id))

    return {"account_security": account_security}


class AccountWebRoutes(AccountCalls):
    def login_page(self, request, error=None, status=200, username=""):
        """The login form with a fresh double-submit CSRF token (cookie + hidden field)."""
        token = auth.new_secret()
        next_path = safe_next(request.values.get("next"))
        response = self.web_render(
            request,
            None,
            "login.html",
            status=status,
            login_csrf=token,
            next=next_path,
            error=error,
            username=username,
        )
        set_cookie(response, self.settings, auth.LOGIN_CSRF_COOKIE, token, max_age=3600, path="/login")
        return response

    @http("GET", "/login")
    @web_page
    def web_login_form(self, request):
        if self.session_principal(request):
            return see_other(safe_next(request.args.get("next")))
        return self.login_page(request)

    @http("POST", "/login")
    @web_page
    def web_login(self, request):
        form = request.form
        username = (form.get("username") or "").strip()
        if not auth.same_secret(form.get("csrf_token"), request.cookies.get(auth.LOGIN_CSRF_COOKIE)):
            return self.login_page(request, ("login.expired_form", {}), 403, username)
        previous = self.session_principal(request)
        try:
            secret, principal = auth.login(
                self.db.session,
                username,
                form.get("password") or "",
                self.client_address(request),
                "web",
                self.settings,
                audit=self.account_audit(),
            )
        except TooManyAttempts as exc:
            minutes = exc.details.get("retry_after_minutes", self.settings["lock_minutes"])
            return self.login_page(request, ("login.throttled", {"minutes": minutes}), 429, username)
        except AccountLocked as exc:
            return self.login_page(request, locked_message(exc, language_of(request)), 423, username)
        except NotAuthenticated:
            return self.login_page(request, ("login.wrong", {}), 401, username)
        if previous is not None:
            auth.logout(self.db.session, previous)
        response = see_other(after_login_path(principal.user, form.get("next")))
        set_cookie(
            response,
            self.settings,
            auth.SESSION_COOKIE,
            secret,
            max_age=int(self.settings["session_hours"] * 3600),
        )
        delete_cookie(response, self.settings, auth.LOGIN_CSRF_COOKIE, path="/login")
        return response

    @http("POST", "/logout")
    @web_page
    def web_logout(self, request):
        principal = self.session_principal(request)
        response = see_other("/login")
        if principal is not None:
            require_csrf(request, principal)
            auth.logout(self.db.session, principal)
            with_flash(response, self.settings, "flash.logged_out")
        delete_cookie(response, self.settings, auth.SESSION_COOKIE)
        return response

    def account_principal(self, request):
        """The logged-in user, also one who must change their password first (these pages let them)."""
        principal = self.session_principal(request)
        if principal is None:
            raise LoginRequired()
        return self.act_as(principal)

    def account_page(self, request, principal, status=200, **context):
        user = accounts.user_by_id(self.db.session, principal.user["id"])
        done = request.args.get("done")
        return self.web_render(
            request,
            principal,
            "account/account.html",
            status=status,
            account=user,
            role_label=accounts.role_label(self.db.session, user["role"], language_of(request)),
            state=accounts.security_state(user),
            done=f"acc.done.{done}" if done in ACCOUNT_DONE else None,
            **context,
        )

    def new_session_response(self, location, secret):
        response = see_other(location)
        set_cookie(
            response,
            self.settings,
            auth.SESSION_COOKIE,
            secret,
            max_age=int(self.settings["session_hours"] * 3600),
        )
        return response

    # --- my account --------------------------------------------------------------------------------

    @http("GET", ACCOUNT_PATH)
    @web_page
    def web_account(self, request):
        return self.account_page(request, self.web_principal(request, reviewer_ok=True))

    @http("GET", PASSWORD_PATH)
    @web_page
    def web_account_password_form(self, request):
        principal = self.account_principal(request)
        return self.web_render(request, principal, "account/password.html", errors={})

    @http("POST", PASSWORD_PATH)
    @web_page
    def web_account_password(self, request):
        principal = self.account_principal(request)
        require_csrf(request, principal)
        form = request.form
        try:
            secret = accounts.change_password(
                self.db.session,
                principal.user["id"],
                form.get("current_password"),
                form.get("new_password"),
                form.get("new_password_again", ""),
                self.settings["session_hours"],
                self.account_audit(principal.actor),
                remote_addr=self.client_address(request),
                policy=LockoutPolicy.from_settings(self.settings),
            )
        except ValidationFailed as exc:
            errors = form_errors(exc.details, Translator(language_of(request)))
            return self.web_render(request, principal, "account/password.html", status=422, errors=errors)
        except AccountLocked as exc:  # issue 12 item 7d: too many wrong current passwords
            key, values = locked_message(exc, language_of(request))
            errors = {"current_password": [Translator(language_of(request))(key, **values)]}
            return self.web_render(request, principal, "account/password.html", status=423, errors=errors)
        return self.new_session_response(f"{ACCOUNT_PATH}?done=password_changed", secret)

    @http("GET", "/account/totp")
    @web_page
    def web_account_totp_form(self, request):
        principal = self.web_principal(request, reviewer_ok=True)
        if accounts.totp_enabled(principal.user):
            return see_other(ACCOUNT_PATH)  # already on: the account page offers to turn it off
        setup = accounts_totp.totp_setup(self.db.session, principal.user["id"])
        return self.web_render(request, principal, "account/totp.html", setup=setup, errors={})

    @http("POST", "/account/totp")
    @web_page
    def web_account_totp_enable(self, request):
        principal = self.web_principal(request, reviewer_ok=True)
        require_csrf(request, principal)
        try:
            secret = accounts_totp.enable_totp(
                self.db.session,
                principal.user["id"],
                request.form.get("code"),
                self.account_audit(principal.actor),
                hours=self.settings["session_hours"],
            )
        except ValidationFailed as exc:
            setup = accounts_totp.totp_setup(self.db.session, principal.user["id"])
            errors = form_errors(exc.details, Translator(language_of(request)))
            return self.web_render(
                request, principal, "account/totp.html", status=422, setup=setup, errors=errors
            )
        return self.new_session_response(f"{ACCOUNT_PATH}?done=totp_enabled", secret)

    @http("POST", "/account/totp/disable")
    @web_page
    def web_account_totp_disable(self, request):
        principal = self.web_principal(request)
        require_csrf(request, principal)
        try:
            accounts_totp.disable_totp(
                self.db.session,
                principal.user["id"],
                request.form.get("password"),
                request.form.get("code"),
                self.account_audit(principal.actor),
            )
        except ValidationFailed as exc:
            errors = form_errors(exc.details, Translator(language_of(request)))
            return self.account_page(request, principal, status=422, disable_errors=errors)
        return see_other(f"{ACCOUNT_PATH}?done=totp_disabled")

    # --- the login's second step -------------------------------------------------------------------

    def totp_login_page(self, request, pending, error=None, status=200):
        return self.web_render(
            request,
            None,
            "account/totp_login.html",
            status=status,
            error=error,
            login_csrf=pending["session_csrf"],
            next=safe_next(request.values.get("next")),
        )

    @http("GET", TOTP_LOGIN_PATH)
    @web_page
    def web_login_totp_form(self, request):
        pending = accounts.pending_user(self.db.session, request.cookies.get(auth.SESSION_COOKIE))
        if pending is None:
            return see_other("/login")
        return self.totp_login_page(request, pending)

    @http("POST", TOTP_LOGIN_PATH)
    @web_page
    def web_login_totp(self, request):
        secret = request.cookies.get(auth.SESSION_COOKIE)
        pending = accounts.pending_user(self.db.session, secret)
        if pending is None or not auth.same_secret(request.form.get("csrf_token"), pending["session_csrf"]):
            return self.login_page(request, ("login.totp_expired", {}), 401)
        try:
            new_secret, user = accounts.finish_second_factor(
                self.db.session,
                secret,
                request.form.get("code"),
                self.client_address(request),
                LockoutPolicy.from_settings(self.settings),
                self.settings["session_hours"],
                self.account_audit(),
            )
        except AccountLocked as exc:
            response = self.login_page(request, locked_message(exc, language_of(request)), 423)
            delete_cookie(response, self.settings, auth.SESSION_COOKIE)
            return response
        except SecondFactorRequired as exc:
            message = Translator(language_of(request)).service_message(exc.message, exc.params)
            return self.totp_login_page(request, pending, error=message, status=401)
        except NotAuthenticated as exc:  # a wrong password or code (told apart by nobody), or expired
            key = "login.totp_wrong" if exc.message == accounts.WRONG_CODE_STEP else "login.totp_expired"
            response = self.login_page(request, (key, {}), 401)
            delete_cookie(response, self.settings, auth.SESSION_COOKIE)
            return response
        target = PASSWORD_PATH if user.get("must_change_password") else safe_next(request.form.get("next"))
        return self.new_session_response(target, new_secret)

    # --- an admin's actions on a user --------------------------------------------------------------

    def admin_back(self, request, user_id):
        return see_other(safe_next(request.form.get("next"), default=f"{ADMIN_USERS_PATH}/{user_id}"))

    @http("POST", "/admin/users/<user_id>/unlock")
    @web_page
    def web_admin_unlock(self, request, user_id):
        principal = self.web_principal(request, MANAGE_USERS)
        require_csrf(request, principal)
        accounts.unlock(self.db.session, user_id, self.account_audit(principal.actor))
        return self.admin_back(request, user_id)

    @http("POST", "/admin/users/<user_id>/reset-totp")
    @web_page
    def web_admin_reset_totp(self, request, user_id):
        principal = self.web_principal(request, MANAGE_USERS)
        require_csrf(request, principal)
        self.guard_user_target(principal, user_id)
        accounts_totp.reset_totp(self.db.session, user_id, self.account_audit(principal.actor))
        return self.admin_back(request, user_id)

    @http("POST", "/admin/users/<user_id>/reset-password")
    @web_page
    def web_admin_reset_password(self, request, user_id):
        principal = self.web_principal(request, MANAGE_USERS)
        require_csrf(request, principal)
        self.guard_user_target(principal, user_id)
        result = accounts.reset_password(self.db.session, user_id, self.account_audit(principal.actor))
        back = safe_next(request.form.get("next"), default=f"{ADMIN_USERS_PATH}/{user_id}")
        return self.web_render(
            request, principal, "account/temporary_password.html", result=result, back=back
        )
