"""What every request must be before a route sees it (issue 12 items 2 and 6): sizes checked before any
work, and text PostgreSQL can store.

- the query string is at most 6 KB (414), a JSON body at most 4 MB (16 MB for a batch of contacts) and a
  form at most 500 KB (413): checked from Content-Length first, and enforced while reading without one;
- a JSON body is parsed once here: nested at most 32 levels deep (a 5,000-level body is a 400, not a
  RecursionError); the routes get the parsed value from the request's cache;
- no NUL character (PostgreSQL refuses it in text) and no lone surrogate (not encodable as UTF-8) in the
  path, a query parameter, a form field or any JSON string or key: a 422 naming the field.

Multipart uploads and raw bodies (imports, photos) are left to their routes, which check their size before
parsing them (a photo's 2 MB from Content-Length, an import's 200 MB while streaming).
"""

import json
import re

from werkzeug.exceptions import RequestEntityTooLarge

from piiri.errors import PiiriError, ValidationFailed, coded, is_code

MAX_QUERY_BYTES = 6 * 1024  # under eventlet's own 8 KB request line, so a JSON error answers first
MAX_JSON_BYTES = 4 * 1024 * 1024  # far above any contact, search or bulk body (bulk ids: 10,000 × 39 B)
# Routes whose JSON body is a batch of contacts: 5,000 rich contacts (services/imports MAX_BATCH).
LARGER_JSON_BYTES = {"/api/v1/contacts:batch": 16 * 1024 * 1024}
MAX_FORM_BYTES = 500_000  # werkzeug's own limit on a form's fields in memory (max_form_memory_size)
MAX_JSON_DEPTH = 32
FORM_TYPE = "application/x-www-form-urlencoded"


class MalformedRequest(PiiriError):
    status = 400
    code = "bad_request"


class PayloadTooLarge(PiiriError):
    status = 413
    code = "payload_too_large"


class UriTooLong(PiiriError):
    status = 414
    code = "uri_too_long"


class UnstorableText(ValidationFailed):
    """A query parameter or form field that is not text PostgreSQL can store (a 422 naming it)."""


def text_problem(value):
    """Why ``value`` (a str) cannot be stored as text, or None."""
    if "\x00" in value:
        return "value.nul"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "value.surrogate"
    return None


def _check_pairs(pairs):
    errors = {}
    for name, value in pairs:
        problem = text_problem(name) or text_problem(value)
        if problem:
            errors.setdefault("_name" if text_problem(name) else name, []).append(problem)
    if errors:
        raise UnstorableText(next(iter(errors.values()))[0], errors)


def _path(parts):
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "_body"


def check_json_value(data, texts=True):
    """Walk a parsed JSON value without recursion: depth ≤ MAX_JSON_DEPTH, and (``texts``) every string and
    key storable. Only containers are followed when ``texts`` is off, so a long flat list costs little."""
    stack = [(data, (), 1)]
    while stack:
        value, parts, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise MalformedRequest(
                "request.too_deep",
                {_path(parts): [coded("value.too_deep", max=MAX_JSON_DEPTH)]},
                {"max": MAX_JSON_DEPTH},
            )
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                raise ValidationFailed(problem, {_path(parts): [problem]})
        elif isinstance(value, dict):
            for key, item in value.items():
                problem = texts and text_problem(key)
                if problem:
                    raise ValidationFailed(problem, {"_body": [problem]})
                if texts or isinstance(item, dict | list):
                    stack.append((item, (*parts, key), depth + 1))
        elif isinstance(value, list):
            stack.extend(
                (item, (*parts, index), depth + 1)
                for index, item in enumerate(value)
                if texts or isinstance(item, dict | list)
            )


# In JSON text a NUL can only be written as \u0000 and a lone surrogate only as a \uD800-\uDFFF escape
# (raw ones are not valid JSON or UTF-8): without either in the body, no string needs looking at.
SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


def _read_body(request, limit, message):
    """The body, at most ``limit`` bytes; PayloadTooLarge with ``message`` (a code) for a larger one."""
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLarge(
            message,
            {"_body": [coded("value.body_max", max=limit, given=request.content_length)]},
            {"kb": limit // 1024},
        )
    request.max_content_length = limit  # a body without Content-Length is cut off while reading
    try:
        return request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise PayloadTooLarge(
            message, {"_body": [coded("value.bytes_max", max=limit)]}, {"kb": limit // 1024}
        ) from None


def _parse_json(request):
    body = _read_body(request, LARGER_JSON_BYTES.get(request.path, MAX_JSON_BYTES), "request.json_too_large")
    if not body:
        return
    try:
        data = json.loads(body)
    except RecursionError:
        raise MalformedRequest(
            "request.too_deep",
            {"_body": [coded("value.too_deep", max=MAX_JSON_DEPTH)]},
            {"max": MAX_JSON_DEPTH},
        ) from None
    except ValueError:
        return  # not JSON: the route answers as it does for any body that is not its JSON object
    check_json_value(data, texts=SUSPECT_ESCAPE.search(body) is not None)
    request._cached_json = (data, data)  # werkzeug's cache: get_json() returns this without parsing again


def refusal_page(request, exc):
    """The HTML page for a request refused here (the web UI's error page, without the caller's menu)."""
    from gateway.i18n import Translator
    from gateway.web_helpers import error_status, html_response, language_of, render_html

    status = error_status(exc)
    # What was wrong in the reader's language (issue 13 item 3), instead of the English message.
    detail_key = {UnstorableText: "error.bad_text", UriTooLong: "error.query_too_long"}.get(type(exc))
    body = render_html(
        "error.html",
        language_of(request),
        principal=None,
        user=None,
        csrf_token="",
        can={"edit": False, "delete": False, "audit": False},
        flash=None,
        current=request.path if not text_problem(request.path) else "/",
        status=status,
        message_key=f"error.{status}",
        incident="",
        detail=Translator(language_of(request)).service_message(exc.message, exc.params)
        if is_code(exc.message)
        else exc.message,
        detail_key=detail_key,
        limit=f"{MAX_QUERY_BYTES:,}".replace(",", "\u00a0"),
    )
    return html_response(body, status)


def check_request(request):
    """Raise a PiiriError (400/413/414/422) for a request no route should see; parses a JSON body once."""
    if text_problem(request.path):
        raise MalformedRequest(text_problem(request.path), {"path": [text_problem(request.path)]})
    query = request.environ.get("QUERY_STRING") or ""
    if len(query) > MAX_QUERY_BYTES:
        raise UriTooLong(
            "request.query_too_long",
            {"_query": [coded("value.body_max", max=MAX_QUERY_BYTES, given=len(query))]},
            {"max": MAX_QUERY_BYTES},
        )
    _check_pairs(request.args.items(multi=True))
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.is_json:
        _parse_json(request)
    elif request.mimetype == FORM_TYPE:
        _read_body(request, MAX_FORM_BYTES, "request.form_too_large")
        try:
            fields = request.form.items(multi=True)
        except RequestEntityTooLarge:  # werkzeug's own limits on a form's fields
            raise PayloadTooLarge("request.form_fields", {"_body": ["request.form_fields"]}) from None
        _check_pairs(fields)
