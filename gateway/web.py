"""The web UI: server-rendered pages (login, contact list and search, contact, forms, audit trail).

Routes stay thin: who is asking, one or two RPCs, a template. Helpers live in gateway/web_helpers.py.
"""

from urllib.parse import urlencode

from gateway import auth, rich_form
from gateway import web_rich_fields as _web_rich_fields  # noqa: F401  (C2: list filters, words)
from gateway.base import search_filters
from gateway.http import http
from gateway.i18n import LANGUAGE_COOKIE, LANGUAGES, Translator
from gateway.roles import AUDIT_VIEW, DELETE, EDIT, VIEW
from gateway.web_account import after_login_path, locked_message
from gateway.web_helpers import (
    FLASH_COOKIE,
    PAGE_SIZE,
    CsrfFailed,
    LoginRequired,
    contact_form_data,
    contact_form_values,
    current_path,
    delete_cookie,
    error_status,
    field_errors,
    flash_of,
    html_response,
    language_of,
    render_html,
    require_csrf,
    safe_next,
    see_other,
    set_cookie,
    static_file,
    template_extras,
    web_page,
    with_flash,
)
from gateway.web_helpers import audit_rows as make_audit_rows
from piiri.errors import (
    AccountLocked,
    NotAuthenticated,
    NotFound,
    PasswordChangeRequired,
    PiiriError,
    TooManyAttempts,
    ValidationFailed,
)

AUDIT_PAGE_SIZE = 50
LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600
NEW_CONTACT_DEFAULTS = {"kind": "person", "country": "FI", "language": "fi"}


def display_name_of(values):
    """What to call a contact from form values (for a form's title when the service said no)."""
    if values.get("kind") == "organisation" and values.get("organisation_name"):
        return values["organisation_name"]
    name = " ".join(part for part in (values.get("first_name"), values.get("last_name")) if part)
    return name or values.get("organisation_name") or ""


class WebRoutes:
    # --- shared by the pages ---------------------------------------------------------------------------

    def session_principal(self, request):
        """The logged-in web user (session cookie only, never a bearer token), or None."""
        return auth.principal_for(self.db.session, request.cookies.get(auth.SESSION_COOKIE), "web")

    def web_principal(self, request, permission=None):
        principal = self.session_principal(request)
        if principal is None:
            raise LoginRequired()
        if principal.user.get("must_change_password"):
            raise PasswordChangeRequired("Choose a new password first.")  # web_page sends them to the form
        return self.act_as(principal, permission)

    def web_render(self, request, principal, template, status=200, **context):
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

    def error_page(self, request, exc, incident=None):
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

    def contact_form(
        self, request, principal, values, errors=None, contact_id=None, title_name="", status=200, blanks=None
    ):
        t = Translator(language_of(request))
        by_field, general = field_errors(errors, t)
        for name in rich_form.NOT_IN_FORM:  # flat fields have no input of their own (C2): shown on top
            general.extend(by_field.pop(name, []))
        values = {**values, **rich_form.form_values(values)}  # C2: the lists as rows, the tags as text
        return self.web_render(
            request,
            principal,
            "contact_form.html",
            status=status,
            values=values,
            blanks=blanks,
            errors=by_field,
            general_errors=general,
            contact_id=contact_id,
            title_name=title_name,
        )

    # --- session ----------------------------------------------------------------------------------------

    @http("GET", "/")
    @web_page
    def web_home(self, request):
        return see_other("/dashboard" if self.session_principal(request) else "/login")

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

    @http("GET", "/lang/<code>")
    @web_page
    def web_language(self, request, code):
        if code not in LANGUAGES:
            raise NotFound(f"No language {code}.", {"code": code})
        response = see_other(safe_next(request.args.get("next"), default="/"))
        set_cookie(response, self.settings, LANGUAGE_COOKIE, code, max_age=LANGUAGE_COOKIE_SECONDS)
        return response

    @http("GET", "/static/<path:filename>")
    @web_page
    def web_static(self, request, filename):
        response = static_file(filename)
        if response is None:
            raise NotFound(f"No static file {filename}.", {"filename": filename})
        return response

    # --- contacts ---------------------------------------------------------------------------------------

    @http("GET", "/contacts")
    @web_page
    def web_contacts(self, request):
        principal = self.web_principal(request, VIEW)
        query = (request.args.get("q") or "").strip()
        cursor = request.args.get("cursor") or None
        filters = {name: value for name, value in search_filters(request.args).items() if value}
        page = self.call(
            "contacts", "search_contacts", q=query, limit=PAGE_SIZE, cursor=cursor, filters=filters
        )
        params = {**({"q": query} if query else {}), **filters}
        next_url = None
        if page.get("next_cursor"):
            next_url = "/contacts?" + urlencode({**params, "cursor": page["next_cursor"]})
        first_url = ("/contacts?" + urlencode(params)) if params else "/contacts"
        return self.web_render(
            request,
            principal,
            "contacts.html",
            query=query,
            filters=filters,
            items=page["items"],
            fuzzy=page.get("match") == "fuzzy" and bool(page["items"]),
            next_url=next_url,
            first_url=first_url if cursor else None,
        )

    @http("GET", "/contacts/new")
    @web_page
    def web_new_contact_form(self, request):
        principal = self.web_principal(request, EDIT)
        return self.contact_form(request, principal, dict(NEW_CONTACT_DEFAULTS))

    @http("POST", "/contacts/new")
    @web_page
    def web_new_contact(self, request):
        principal = self.web_principal(request, EDIT)
        require_csrf(request, principal)
        data = contact_form_data(request.form)
        blanks = rich_form.blank_rows(request.form)
        if request.form.get(rich_form.ADD_ROW):  # "add another" row (C2): the same form, one more row
            return self.contact_form(request, principal, data, blanks=blanks)
        try:
            contact = self.call("contacts", "create_contact", data)
        except ValidationFailed as exc:
            return self.contact_form(request, principal, data, exc.details, status=422, blanks=blanks)
        return with_flash(see_other(f"/contacts/{contact['id']}"), self.settings, "flash.created")

    @http("GET", "/contacts/<contact_id>")
    @web_page
    def web_contact(self, request, contact_id):
        principal = self.web_principal(request, VIEW)
        contact = self.call("contacts", "get_contact", contact_id)
        trail, trail_failed, older_url = [], False, None
        if principal.can(AUDIT_VIEW):
            try:
                events = self.subject_events(
                    principal, contact["id"], AUDIT_PAGE_SIZE, request.args.get("trail") or None
                )
            except PiiriError:
                trail_failed = True  # the contact is still worth showing without its trail
            else:
                trail = make_audit_rows(events["items"], Translator(language_of(request)))
                if events.get("next_cursor"):
                    older_url = f"/contacts/{contact['id']}?" + urlencode({"trail": events["next_cursor"]})
        return self.web_render(
            request,
            principal,
            "contact.html",
            contact=contact,
            trail=trail,
            trail_failed=trail_failed,
            older_url=older_url,
        )

    @http("GET", "/contacts/<contact_id>/edit")
    @web_page
    def web_edit_contact_form(self, request, contact_id):
        principal = self.web_principal(request, EDIT)
        contact = self.call("contacts", "get_contact", contact_id)
        return self.contact_form(
            request,
            principal,
            contact_form_values(contact),
            contact_id=contact["id"],
            title_name=contact["display_name"],
        )

    @http("POST", "/contacts/<contact_id>/edit")
    @web_page
    def web_edit_contact(self, request, contact_id):
        principal = self.web_principal(request, EDIT)
        require_csrf(request, principal)
        data = contact_form_data(request.form)
        blanks = rich_form.blank_rows(request.form)
        if request.form.get(rich_form.ADD_ROW):  # "add another" row (C2): the same form, one more row
            return self.contact_form(
                request,
                principal,
                data,
                contact_id=contact_id,
                title_name=display_name_of(data),
                blanks=blanks,
            )
        try:
            contact = self.call("contacts", "update_contact", contact_id, data)
        except ValidationFailed as exc:
            return self.contact_form(
                request,
                principal,
                data,
                exc.details,
                contact_id=contact_id,
                title_name=display_name_of(data),
                status=422,
                blanks=blanks,
            )
        return with_flash(see_other(f"/contacts/{contact['id']}"), self.settings, "flash.updated")

    @http("GET", "/contacts/<contact_id>/delete")
    @web_page
    def web_delete_contact_form(self, request, contact_id):
        principal = self.web_principal(request, DELETE)
        contact = self.call("contacts", "get_contact", contact_id)
        return self.web_render(request, principal, "confirm_delete.html", contact=contact)

    @http("POST", "/contacts/<contact_id>/delete")
    @web_page
    def web_delete_contact(self, request, contact_id):
        principal = self.web_principal(request, DELETE)
        require_csrf(request, principal)
        self.call("contacts", "delete_contact", contact_id)
        return with_flash(see_other("/contacts"), self.settings, "flash.deleted")
