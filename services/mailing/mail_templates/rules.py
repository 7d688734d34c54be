"""Pure rules of mail templates (M2): checking a template's input, finding its errors before anything is
sent (each with its part, line and field), and rendering it for one contact or for Campaign Monitor.

A template has a subject, an MJML body (compiled to responsive HTML by ``mrml``, the Rust port of MJML;
includes are refused: nothing is read from disk or the network) and a plain-text part. Merge fields are
written in Jinja's sandboxed language (``jinja2.sandbox.SandboxedEnvironment``, StrictUndefined): only
MERGE_FIELDS exist, attribute tricks are refused by the sandbox, and an unknown field is an error naming
its line. Only output, conditions and a few filters (ALLOWED_FILTERS) are allowed: loops, calls, macros,
includes and multiplication are refused with their line, so no template can run away with the CPU or
memory of the service. The HTML part escapes the values it merges; subject and text are plain.

A list's custom fields are merge fields too: ``{{ custom.<key> }}`` (the contact custom field ``key``),
valid in a campaign only when every one of its lists carries ``custom.<key>`` among its fields
(``unknown_list_fields``: ``template_field_not_on_list`` naming the field, its line and the list), since
Campaign Monitor fills it from the list's own custom field ``[<key>]``. Any other use of ``custom`` is an
unknown field.

For Campaign Monitor a field becomes Campaign Monitor's own personalisation tag (CM_TAGS: ``[firstname,
fallback=]``…, ``[<key>,fallback=]`` for a custom field), so each recipient gets their own values from the
list Piiri synced; a preview renders the contact's values. A condition on a field (``{% if first_name %}``)
is evaluated for a preview only: in the campaign sent the tag is always there (Campaign Monitor has no
conditions).
"""

import re
from dataclasses import dataclass

import mrml
from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2.exceptions import TemplateError
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from piiri.errors import ValidationFailed
from services.mailing.contract import BODY_MAX, NAME_MAX, SUBJECT_MAX, errors
from services.mailing.sync.rules import value_text

MJML_MAX = 100_000
PARTS = ("subject", "mjml", "text")
# The merge fields a template may use (contract.MERGE_FIELDS, which the gateway's form lists), with a sample
# value for checking and the test preview.
MERGE_FIELDS = {
    "first_name": "Maija",
    "last_name": "Meikäläinen",
    "full_name": "Maija Meikäläinen",
    "email": "maija.meikalainen@example.fi",
}
CM_TAGS = {
    "first_name": "[firstname,fallback=]",
    "last_name": "[lastname,fallback=]",
    "full_name": "[fullname,fallback=]",
    "email": "[email]",
}
CUSTOM = "custom"  # {{ custom.<key> }}: a list's custom field
CUSTOM_KEY = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
MJML_TAG = re.compile(r"<(/?)(mjml|mj-[a-z-]+)\b([^>]*?)(/?)>", re.IGNORECASE)
# mj-raw and the ending tags hold HTML whose own tags mrml does not read as MJML.
MJML_ENDING = {"mj-text", "mj-button", "mj-table", "mj-raw", "mj-navbar-link", "mj-accordion-title",
               "mj-accordion-text", "mj-social-element", "mj-style", "mj-title", "mj-preview",
               "mj-attributes", "mj-font", "mj-breakpoint"}  # fmt: skip
POSITION = re.compile(r"at position (\d+):(\d+)")

# The language a template may use: merge fields, these filters, conditions. No loops, calls, macros or
# arithmetic that multiplies: a template renders in about the time of its own length, never runs away.
ALLOWED_FILTERS = frozenset(
    {"upper", "lower", "title", "capitalize", "trim", "default", "d", "e", "escape", "striptags",
     "truncate", "first", "last", "length", "wordcount"}
)  # fmt: skip
REFUSED_NODES = {
    nodes.For: "for",
    nodes.Macro: "macro",
    nodes.CallBlock: "call",
    nodes.Call: "call",
    nodes.FilterBlock: "filter",
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "import",
    nodes.Extends: "extends",
}


class MergeEnvironment(SandboxedEnvironment):
    """Jinja's sandbox that also refuses ``*`` and ``**`` (a string times a billion is a memory bomb)."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator, left, right):
        raise SecurityError(f"the operator {operator} is not allowed")


_HTML = MergeEnvironment(undefined=StrictUndefined, autoescape=True, keep_trailing_newline=True)
_PLAIN = MergeEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


class CustomValues:
    """The values of ``{{ custom.<key> }}`` for the sandbox: item access only (the sandbox falls back to
    it for ``.key``), no attributes or methods a template could reach; ``fill(key)`` for a key not held."""

    __slots__ = ("_values", "_fill")

    def __init__(self, values, fill):
        self._values = values
        self._fill = fill

    def __getitem__(self, key):
        if key in self._values:
            return self._values[key]
        return self._fill(key)


def sample_custom(key):
    return f"«{key}»"


def cm_custom(key):
    return f"[{key},fallback=]"


@dataclass(frozen=True)
class Rendered:
    subject: str
    html: str
    text: str


def problem(code, part, line=None, **params):
    return {"code": code, "params": {"part": part, **({"line": line} if line else {}), **params}}


def checked_input(data, partial=False):
    """{name, subject, mjml, text} with whitespace-trimmed name; ValidationFailed with a code per field."""
    if not isinstance(data, dict):
        raise ValidationFailed(errors.TEMPLATE_INVALID, {"_schema": [errors.NOT_AN_OBJECT]})
    limits = {"name": NAME_MAX, "subject": SUBJECT_MAX, "mjml": MJML_MAX, "text": BODY_MAX}
    values, problems = {}, {}
    for name, limit in limits.items():
        if name not in data:
            if not partial:
                problems[name] = [errors.TEMPLATE_PART_REQUIRED]
            continue
        value = data[name]
        if not isinstance(value, str):
            problems[name] = [errors.TEMPLATE_PART_REQUIRED]
            continue
        value = " ".join(value.split()) if name in ("name", "subject") else value.replace("\r\n", "\n")
        if not value.strip():
            problems[name] = [errors.TEMPLATE_PART_REQUIRED]
        elif len(value) > limit:
            problems[name] = [{"code": errors.TEMPLATE_TOO_LONG, "params": {"max": limit}}]
        values[name] = value
    if problems:
        raise ValidationFailed(errors.TEMPLATE_INVALID, problems)
    return values


def _environment(part):
    return _HTML if part == "mjml" else _PLAIN


def _jinja_problems(part, source):
    """Syntax errors and unknown merge fields of one part, each with its line."""
    environment = _environment(part)
    try:
        parsed = environment.parse(source)
    except TemplateSyntaxError as exc:
        return [problem(errors.TEMPLATE_SYNTAX, part, exc.lineno, message=str(exc.message or "")[:200])]
    found = []
    for kind, construct in REFUSED_NODES.items():
        for node in parsed.find_all(kind):
            found.append(problem(errors.TEMPLATE_NOT_ALLOWED, part, node.lineno, construct=construct))
    for node in parsed.find_all(nodes.Filter):
        if node.name not in ALLOWED_FILTERS:
            found.append(problem(errors.TEMPLATE_NOT_ALLOWED, part, node.lineno, construct=node.name))
    if found:
        return sorted(found, key=lambda item: item["params"]["line"])
    unknown = meta.find_undeclared_variables(parsed) - set(MERGE_FIELDS)
    seen = set()
    custom_names = {id(node.node) for node in parsed.find_all(nodes.Getattr) if _custom_key(node)}
    for node in parsed.find_all(nodes.Name):
        if node.name == CUSTOM and id(node) in custom_names:
            continue
        if node.name in unknown and node.name not in seen:
            seen.add(node.name)
            found.append(problem(errors.TEMPLATE_UNKNOWN_FIELD, part, node.lineno, field=node.name))
    return sorted(found, key=lambda item: item["params"]["line"])


def _custom_key(node):
    """The key of ``custom.<key>`` (a Getattr node), else None."""
    if (
        isinstance(node, nodes.Getattr)
        and isinstance(node.node, nodes.Name)
        and node.node.name == CUSTOM
        and CUSTOM_KEY.match(node.attr)
    ):
        return node.attr
    return None


def custom_fields_used(template):
    """{key: (part, line)} of the list custom fields the template uses (where each is first used)."""
    used = {}
    for part in PARTS:
        try:
            parsed = _environment(part).parse(template[part])
        except TemplateSyntaxError:
            continue
        for node in parsed.find_all(nodes.Getattr):
            key = _custom_key(node)
            if key and key not in used:
                used[key] = (part, node.lineno)
    return used


def unknown_list_fields(template, lists):
    """The problems of the template's ``custom.<key>`` fields that a list of the campaign does not carry:
    ``lists`` [(list name, its fields)]; ValidationFailed(template_invalid) naming field, part, line, list."""
    problems = {}
    for key, (part, line) in sorted(custom_fields_used(template).items()):
        for name, fields in lists:
            if f"custom.{key}" not in fields:
                problems.setdefault(part, []).append(
                    problem(errors.TEMPLATE_FIELD_NOT_ON_LIST, part, line, field=f"custom.{key}", list=name)
                )
    if problems:
        raise ValidationFailed(errors.TEMPLATE_INVALID, problems)


def mjml_structure_line(source):
    """(line, tag) of the first MJML tag that is not closed or closed out of order, else None (mrml's own
    errors say no line)."""
    stack = []
    for match in MJML_TAG.finditer(source):
        closing, tag, _, self_closing = match.group(1), match.group(2).lower(), match.group(3), match.group(4)
        line = source.count("\n", 0, match.start()) + 1
        if stack and stack[-1][0] in MJML_ENDING and not (closing and tag == stack[-1][0]):
            continue  # HTML inside an ending tag
        if self_closing:
            continue
        if not closing:
            stack.append((tag, line))
        elif not stack or stack[-1][0] != tag:
            return line, tag
        else:
            stack.pop()
    if stack:
        return stack[-1][1], stack[-1][0]
    return None


def compile_mjml(source):
    """MJML -> HTML; ValueError(problem) naming the line where it can."""
    try:
        output = mrml.to_html(source, parser_options=mrml.ParserOptions(include_loader=mrml.noop_loader()))
    except OSError as exc:
        message = str(exc)
        where = mjml_structure_line(source)
        position = POSITION.search(message)
        line, tag = where if where else (None, None)
        if line is None and position:
            line = source.count("\n", 0, int(position.group(1))) + 1
        raise ValueError(
            problem(
                errors.TEMPLATE_MJML, "mjml", line, message=message[:200], **({"tag": tag} if tag else {})
            )
        ) from None
    return output.content


def _render(part, source, context):
    return _environment(part).from_string(source).render(context)


def render(template, context):
    """The template rendered with ``context`` (merge field -> value): Rendered(subject, html, text).
    ValidationFailed(mailing.template_invalid) with the problems of each part."""
    problems = {}
    for part in PARTS:
        found = _jinja_problems(part, template[part])
        if found:
            problems[part] = found
    if problems:
        raise ValidationFailed(errors.TEMPLATE_INVALID, problems)
    values = {}
    for part in PARTS:
        try:
            values[part] = _render(part, template[part], context)
        except TemplateError as exc:
            problems[part] = [problem(errors.TEMPLATE_RENDER_FAILED, part, message=str(exc)[:200])]
    if problems:
        raise ValidationFailed(errors.TEMPLATE_INVALID, problems)
    try:
        html = compile_mjml(values["mjml"])
    except ValueError as exc:
        raise ValidationFailed(errors.TEMPLATE_INVALID, {"mjml": [exc.args[0]]}) from None
    return Rendered(subject=" ".join(values["subject"].split()), html=html, text=values["text"])


def sample_context():
    """The sample values of every merge field (a custom field's: its key in quotes)."""
    return {**MERGE_FIELDS, CUSTOM: CustomValues({}, sample_custom)}


def check(template):
    """Raise ValidationFailed naming every problem of the template (rendered with the sample values)."""
    return render(template, sample_context())


def custom_text(value):
    """A custom field's value as it is merged: as the sync sends it to Campaign Monitor; none: empty."""
    return "" if value is None else value_text(value)


def contact_context(contact):
    """The merge fields of one contact (contacts.get_contact's view, its custom values under ``custom``)."""
    first, last = contact.get("first_name") or "", contact.get("last_name") or ""
    full = contact.get("display_name") or " ".join(part for part in (first, last) if part)
    custom = {key: custom_text(value) for key, value in (contact.get("custom") or {}).items()}
    return {
        "first_name": first,
        "last_name": last,
        "full_name": full,
        "email": contact.get("email") or "",
        CUSTOM: CustomValues(custom, lambda key: ""),
    }


def for_campaign_monitor(template):
    """The template with Campaign Monitor's personalisation tags in place of the merge fields."""
    return render(template, {**CM_TAGS, CUSTOM: CustomValues({}, cm_custom)})
