"""Plain helpers every gateway route may use: request parsing, RPC signature errors, the services every
request needs. The capabilities routes share (who is calling, calling a service) are in gateway/core.py."""

import re

from piiri.errors import ValidationFailed

SERVICES = ("contacts", "audit")  # every request needs them: /health is 503 while one does not answer
# Without these only starting exports and imports waits: /health says "degraded" and stays 200.
OPTIONAL_SERVICES = ("exports", "imports", "mailing", "billing")


def signature_error(text):
    """ValidationFailed naming the fields of an RPC's refused arguments ("missing 1 required positional
    argument: 'name'", "got an unexpected keyword argument 'x'")."""
    missing = re.findall(r"'(\w+)'", text.split("argument", 1)[-1]) if "missing" in text else []
    unexpected = re.findall(r"unexpected keyword argument '(\w+)'", text)
    details = {name: ["request.required"] for name in missing}
    details.update({name: ["request.unknown_field"] for name in unexpected})
    return ValidationFailed("request.fields_invalid", details or {"_body": ["request.fields_invalid"]})


def json_body(request):
    """The request's JSON object, or a clear 400-class error."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationFailed("request.json_object", {"_body": ["request.json_object"]})
    return data


def int_arg(args, name, default):
    """A whole-number query argument, or a clear error naming it."""
    raw = args.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed(
            "request.whole_number", {name: ["request.whole_number"]}, {"name": name}
        ) from None


# Query arguments of a contact search that are not structured filters: the text, paging and order.
PAGING_ARGS = ("q", "limit", "cursor", "sort", "direction")


def search_filters(args):
    """Every query argument of a contact search that is not q/limit/cursor is a structured filter;
    the contacts service knows the filters and refuses unknown ones by name."""
    return {name: value for name, value in args.items() if name not in PAGING_ARGS}
