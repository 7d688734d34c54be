"""Plain helpers of the web UI: templates, formatting, form parsing, safe redirects, cookies, static files."""

import functools
import hashlib
import logging
import mimetypes
import uuid
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode

import jinja2
import phonenumbers
from werkzeug.utils import redirect, safe_join
from werkzeug.wrappers import Response

from gateway import rich_form
from gateway.auth import same_secret
from gateway.i18n import LANGUAGES as UI_LANGUAGES
from gateway.i18n import Translator, request_language
from piiri import einvoice, formatting
from piiri.errors import NotAuthenticated, PasswordChangeRequired, PermissionDenied, PiiriError
from services.contacts.contract import EDITABLE_FIELDS, GENDERS, KINDS, LANGUAGES, LIST_KINDS

log = logging.getLogger(__name__)

GATEWAY_DIR = Path(__file__).resolve().parent
STATIC_DIR = GATEWAY_DIR / "static"
FLASH_COOKIE = "piiri_flash"
PASSWORD_CHANGE_PATH = "/account/password"
TOTP_SETUP_PATH = "/account/totp"
REVIEW_PATH = "/review"
FLASH_KEYS = (
    "flash.logged_out",
    "flash.created",
    "flash.updated",
    "flash.deleted",
    "flash.bulk_added",
    "flash.bulk_removed",
)
# A flash message may carry counts (whole numbers) and the id of the group it is about (a link), never text.
FLASH_COUNTS = ("n", "skipped")
PAGE_SIZE = 25
STATIC_MAX_AGE = 86400
# The flat email, phone and address fields are edited through the lists (C2, gateway/rich_form.py).
FORM_GROUPS = (
    (
        "form.person_group",
        (
            "kind", "honorific", "first_name", "middle_name", "preferred_name", "last_name",
            "organisation_name", "title",
        ),
    ),
    ("form.contact_group", ("emails", "phones", "website")),
    ("form.address_group", ("addresses",)),
    ("form.einvoice_group", ("einvoice_address", "einvoice_operator")),
    ("form.other_group", ("birth_date", "gender", "language", "tags", "notes")),
)  # fmt: skip


class LoginRequired(Exception):
    """Raised by a page that needs a logged-in user; the page wrapper redirects to /login."""


class TotpSetupRequired(PermissionDenied):
    """A reviewer (Q3) without two-factor login: web_page sends them to set it up, and nowhere else."""


class ReviewerHome(PermissionDenied):
    """A reviewer (Q3) landing on the dashboard after the login: web_page sends them to the portal."""


class CsrfFailed(PermissionDenied):
    """A form came without the session's CSRF token."""


# --- formatting -------------------------------------------------------------------------------------


def format_phone(value):
    """'+358401234567' -> '+358 40 1234567'; anything unparsable is shown as stored."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "FI")
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def format_date(value, language):
    """A date, or the organisation's day of a timestamp (piiri.formatting): '5.3.2025', '2025-03-05'."""
    return formatting.format_date(value, language) if value else ""


def format_datetime(value, language, seconds=False):
    """An aware timestamp (or ISO text) in the organisation's time zone (piiri.clock, piiri.formatting):
    '5.3.2025 klo 14.07', '5.3.2025 kl. 14.07' or '2025-03-05 14:07'."""
    return formatting.format_datetime(value, language, seconds) if value else ""


def format_money(value, language):
    """An amount in euros (a Decimal or its text, as the services send them): '1 234,50 €', '−35,00 €',
    '€1,234.50'; empty for none."""
    if value is None or value == "":
        return ""
    return formatting.format_money(Decimal(str(value)), language)


def format_number(value, language):
    """A decimal number with the language's separators ('25,5', '1'); empty for none."""
    if value is None or value == "":
        return ""
    return formatting.format_number(Decimal(str(value)), language)


# --- templates --------------------------------------------------------------------------------------


@functools.cache
def static_version(filename):
    """A short content hash for cache busting: /static/piiri.css?v=1a2b3c4d."""
    try:
        return hashlib.sha256((STATIC_DIR / filename).read_bytes()).hexdigest()[:10]
    except OSError:
        return "0"


def static_url(filename):
    return f"/static/{quote(filename)}?v={static_version(filename)}"


def template_extras(gateway, request, principal):
    """What the areas' template extras (gateway/areas.py) add to a page's context."""
    extras = {}
    for function in areas().TEMPLATE_EXTRAS:
        extras.update(function(gateway, request, principal))
    return extras


def areas():
    """gateway/areas.py: the areas' templates, contact page sections, list filters and form parts
    (imported here, not at the top: the areas import this module)."""
    from gateway import areas

    return areas


@functools.cache
def environment():
    env = jinja2.Environment(
        # The shared templates (base.html, _forms.html, login.html, error.html), then each area's, all
        # under their full names ("groups/list.html" is gateway/groups/templates/groups/list.html).
        loader=jinja2.ChoiceLoader(
            [jinja2.FileSystemLoader(GATEWAY_DIR / "templates")]
            + [jinja2.FileSystemLoader(GATEWAY_DIR / area.name / "templates") for area in areas().AREAS]
        ),
        autoescape=jinja2.select_autoescape(["html"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(
        static_url=static_url,
        phone=format_phone,
        form_groups=FORM_GROUPS,
        einvoice_operators=einvoice.OPERATORS,
        einvoice_operator_names=dict(einvoice.OPERATORS),
        contact_sections=areas().CONTACT_SECTIONS,
        contact_privacy_parts=areas().CONTACT_PRIVACY_PARTS,
        list_filter_sections=areas().LIST_FILTER_SECTIONS,
        list_note_sections=areas().LIST_NOTE_SECTIONS,
        contact_form_parts=areas().CONTACT_FORM_PARTS,
        contact_kinds=KINDS,
        contact_languages=LANGUAGES,
        list_kinds=LIST_KINDS,
        form_rows=rich_form.rows,
        genders=GENDERS,
        ui_languages=UI_LANGUAGES,
    )
    return env


def render_html(template, language, **context):
    """Render ``template`` in ``language``; ``t`` and the date formatters come bound to it."""
    t = Translator(language)
    return (
        environment()
        .get_template(template)
        .render(
            t=t,
            lang=t.language,
            date=lambda value: format_date(value, t.language),
            datetime=lambda value, seconds=False: format_datetime(value, t.language, seconds),
            money=lambda value: format_money(value, t.language),
            number=lambda value: format_number(value, t.language),
            **context,
        )
    )


def html_response(body, status=200):
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


# --- requests, redirects, cookies --------------------------------------------------------------------


def language_of(request):
    return request_language(request)


HOME_PATH = "/dashboard"  # where / and a login land (issue 13 item 2)


def safe_next(value, default=HOME_PATH):
    """A redirect target only if it is a path on this site ('/x', not '//host', '/\\host' or a URL)."""
    if not isinstance(value, str) or not value.startswith("/") or value.startswith("//"):
        return default
    if "\\" in value or any(ord(char) < 32 or ord(char) == 127 for char in value):
        return default
    return value


def current_path(request):
    query = request.query_string.decode("latin-1")
    return request.path + (f"?{query}" if query else "")


def see_other(location):
    response = redirect(location, code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


def login_redirect(request):
    target = current_path(request) if request.method == "GET" else HOME_PATH
    return see_other("/login?" + urlencode({"next": target}))


def set_cookie(response, settings, name, value, max_age=None, path="/"):
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=path,
        httponly=True,
        samesite="Lax",
        secure=settings["secure_cookies"],
    )


def delete_cookie(response, settings, name, path="/"):
    response.delete_cookie(name, path=path, httponly=True, samesite="Lax", secure=settings["secure_cookies"])


def with_flash(response, settings, key, group=None, **counts):
    """Carry a message key (one of FLASH_KEYS, never free text) to the next page, with whole-number
    ``counts`` (FLASH_COUNTS) for its text and a ``group`` id to link to."""
    params = {name: int(value) for name, value in counts.items() if name in FLASH_COUNTS}
    if group:
        params["group"] = str(uuid.UUID(str(group)))
    set_cookie(
        response, settings, FLASH_COOKIE, key + ("?" + urlencode(params) if params else ""), max_age=60
    )
    return response


def flash_of(request):
    """The pending flash message: {"key", "params", "group"} (only known keys, counts and an id), or None."""
    key, _, query = (request.cookies.get(FLASH_COOKIE) or "").partition("?")
    if key not in FLASH_KEYS:
        return None
    values = dict(parse_qsl(query))
    params = {name: int(values[name]) for name in FLASH_COUNTS if values.get(name, "").isdigit()}
    try:
        group = str(uuid.UUID(values["group"])) if values.get("group") else None
    except ValueError:
        group = None
    return {"key": key, "params": params, "group": group}


def static_file(filename):
    """A file from gateway/static with its mimetype and a cache header, or None."""
    path = safe_join(str(STATIC_DIR), filename)
    if path is None or not Path(path).is_file():
        return None
    mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    response = Response(Path(path).read_bytes(), mimetype=mimetype)
    response.headers["Cache-Control"] = f"public, max-age={STATIC_MAX_AGE}"
    return response


# --- forms ------------------------------------------------------------------------------------------


def contact_form_data(form):
    """An HTML form -> the dict ContactInput loads (every editable field the form shows; '' means no
    value; the lists and tags as rich_form reads them)."""
    data = {
        name: form.get(name, "")
        for name in EDITABLE_FIELDS
        if name not in rich_form.NOT_IN_FORM and name not in rich_form.LIST_FIELDS and name != "tags"
    }
    data.update(rich_form.read(form))
    for name, part in areas().CONTACT_FORM_PARTS.items():
        value = part["read"](form)  # None: the form had no inputs of this part
        if value is not None:
            data[name] = value
    return data


def contact_form_values(contact):
    """A contact from the service -> the strings its edit form shows."""
    values = {name: "" if contact.get(name) is None else str(contact[name]) for name in EDITABLE_FIELDS}
    values.update(rich_form.form_values(contact))
    values.update({name: contact[name] for name in areas().CONTACT_FORM_PARTS if name in contact})
    values["custom_links"] = contact.get("custom_links") or {}  # the linked people's names, for pickers
    return values


class FieldMessage(str):
    """A message in the reader's language that belongs to one field of a form (issue 13 item 9): it reads
    as its text wherever a template shows a list of messages, and the form's error summary
    (``_forms.html`` ``error_summary``) links it to its field (``field``, the name in the service's
    details: ``email``, ``emails.0.address``) so that piiri.js marks that field invalid and puts the
    cursor in the first one."""

    field = None
    bare = None  # the text names its field already ("Role: …"): the message alone, shown beside the field

    def __new__(cls, text, field=None, bare=None):
        message = super().__new__(cls, text)
        message.field = field
        message.bare = bare
        return message


SCHEMA_KEYS = ("_schema", "_general", "csrf")


def detail_messages(details, t):
    """ValidationFailed details -> every message in the reader's language, in order, each a FieldMessage
    naming its field (none for ``_schema``): all the mistakes of one submit, not only the first."""
    lines = []
    for name, messages in (details or {}).items():
        if isinstance(messages, dict):  # nested errors: flatten their messages
            messages = [text for value in messages.values() for text in value]
        if isinstance(messages, str | Mapping):
            messages = [messages]
        field = None if name in SCHEMA_KEYS else name
        lines.extend(FieldMessage(t.service_message(text), field) for text in messages)
    return lines


def exc_messages(exc, t):
    """A refused submit's messages (detail_messages), or its own message when it has no details."""
    return detail_messages(exc.details, t) or [FieldMessage(t.service_message(exc.message, exc.params))]


def field_errors(details, t):
    """ValidationFailed details -> ({field: [messages]}, [messages for no particular field])."""
    by_field, general = {}, []
    parts = areas().CONTACT_FORM_PARTS
    for message in detail_messages(details, t):
        name = message.field or ""
        if name.split(".", 1)[0] in EDITABLE_FIELDS or name.split(".", 1)[0] in parts:
            by_field.setdefault(name, []).append(message)
        else:
            general.append(message)
    return by_field, general


def error_lines(exc, request):
    """A refused change as lines in the reader's language (FieldMessages, every field's in the details'
    order); the error's own message when it has no details."""
    t = Translator(language_of(request))
    return exc_messages(exc, t)


def require_csrf(request, principal):
    if not same_secret(request.form.get("csrf_token"), principal.csrf_token):
        raise CsrfFailed("Missing or wrong CSRF token.", {"csrf": ["Required."]})


# --- audit trail view --------------------------------------------------------------------------------


def audit_rows(events, t):
    """Audit events -> rows of (when, who, what) for the contact page."""
    rows = []
    for event in events:
        what = t.action(event.get("action", ""))
        fields = event.get("fields") or []
        if event.get("action") == "contact.updated" and fields:
            labels = ", ".join(t(f"field.{name}") if t.has(f"field.{name}") else name for name in fields)
            what = f"{what} ({t('audit.fields', fields=labels)})"
        query = (event.get("details") or {}).get("query")
        if event.get("action") == "contact.listed" and query:
            what = f"{what} ({t('audit.query', query=query)})"
        actor = event.get("actor") or {}
        rows.append(
            {"when": event.get("occurred_at"), "who": actor.get("username") or actor.get("id"), "what": what}
        )
    return rows


# --- the page wrapper --------------------------------------------------------------------------------


def error_status(exc):
    return exc.status if exc.status in (400, 403, 404, 409, 503) else 400


def web_page(method):
    """Wrap a page route: not logged in -> /login; PiiriError -> its HTML error page; bug -> 500 page."""

    @functools.wraps(method)
    def page(self, request, *args, **kwargs):
        try:
            return method(self, request, *args, **kwargs)
        except (LoginRequired, NotAuthenticated):
            return login_redirect(request)
        except PasswordChangeRequired:  # after an admin's reset: nothing else until a new password (S1)
            return see_other(PASSWORD_CHANGE_PATH)
        except TotpSetupRequired:  # Q3: a reviewer sets up two-factor login before anything else
            return see_other(TOTP_SETUP_PATH)
        except ReviewerHome:  # Q3: a reviewer's home is the reviewer portal
            return see_other(REVIEW_PATH)
        except PiiriError as exc:
            return self.error_page(request, exc)
        except Exception as exc:
            incident = uuid.uuid4().hex[:12]
            log.error("unhandled web error %s: %r", incident, exc, exc_info=exc)
            return self.error_page(request, None, incident=incident)

    return page
