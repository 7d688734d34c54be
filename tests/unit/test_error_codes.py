"""piiri.errors: a service raises a code with params; it survives RPC; the gateway renders its words."""

import ast
import functools
from pathlib import Path

from nameko.exceptions import deserialize, serialize

from gateway.http import error_response
from piiri.errors import ERROR_CLASS_NAMES, NotFound, ValidationFailed, coded, is_code


def test_codes_and_sentences_are_told_apart():
    assert is_code("contact.email_invalid")
    assert is_code("groups.parent.not_found")
    assert not is_code("Not a valid e-mail address.")
    assert not is_code("contact")
    assert not is_code(None)


def test_a_coded_error_crosses_rpc_with_its_params_and_details():
    error = ValidationFailed("contact.invalid", {"email": ["contact.email_invalid"]}, {"n": 2})
    again = deserialize(serialize(error))
    assert isinstance(again, ValidationFailed)
    assert (again.message, dict(again.details), dict(again.params)) == (
        "contact.invalid",
        {"email": ["contact.email_invalid"]},
        {"n": "2"},  # nameko carries the values as text; they only fill texts
    )


def test_an_older_error_without_params_still_crosses_rpc():
    again = deserialize({"exc_path": "piiri.errors.NotFound", "exc_args": ["No such group.", {}]})
    assert isinstance(again, NotFound) and again.message == "No such group." and again.params == {}


def test_the_api_body_carries_the_code_params_and_a_human_message_in_the_language():
    error = ValidationFailed("contact.invalid", {"name": [coded("contact.too_long", max=100)]})
    body = error.as_dict("Check the fields.")
    assert body == {
        "error": "validation_failed",
        "code": "contact.invalid",
        "params": {},
        "message": "Check the fields.",
        "details": {"name": [{"code": "contact.too_long", "params": {"max": 100}}]},
    }


def test_error_response_translates_a_code_and_passes_a_sentence_on():
    import json

    coded_body = json.loads(error_response(NotFound("contact.too_long", params={"max": 5}), "fi").get_data())
    assert coded_body["code"] == "contact.too_long" and coded_body["params"] == {"max": 5}
    assert coded_body["message"] == "Liian pitkä (enintään 5 merkkiä)."
    sentence_body = json.loads(error_response(NotFound("No such group."), "fi").get_data())
    assert sentence_body == {"error": "not_found", "message": "No such group."}


def test_the_gateway_words_a_services_coded_field_errors_in_the_users_language():
    from gateway.i18n import Translator
    from gateway.web_helpers import field_errors

    details = {"first_name": [coded("contact.too_long", max=100)], "email": ["contact.email_invalid"]}
    by_field, general = field_errors(details, Translator("sv"))
    assert by_field == {
        "first_name": ["För lång (högst 100 tecken)."],
        "email": ["E-postadressen är inte giltig: skriv den som namn@exempel.fi."],
    }
    by_field, _ = field_errors(details, Translator("fi"))
    assert by_field["first_name"] == ["Liian pitkä (enintään 100 merkkiä)."] and not general


# --- no sentences where a code belongs (issue 11 item 5) ---------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
ERRORS = ERROR_CLASS_NAMES | {"MalformedRequest", "PayloadTooLarge"}  # and the gateway's own kinds
FINDINGS = {
    "ValidationError",
    "InvalidValue",
    "invalid",
    "coded",
    "CellError",
}  # a validator's or rule's finding
FILE_FINDINGS = {"ImportFileError", "refused"}  # an import file's problem: (kind, message code, ...)
ERROR_TEXT_KEYWORDS = {"error", "message"}  # codes.Regexp(error=...), _text(..., message=...)


def _texts(node):
    """The string constants and f-strings a finding or details argument is made of."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) or isinstance(node, ast.JoinedStr):
        yield node
    elif isinstance(node, ast.List | ast.Tuple | ast.Set):
        for item in node.elts:
            yield from _texts(item)
    elif isinstance(node, ast.Dict):  # details {field: [findings]} or an entry {"code": ..., "params"}
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and key.value == "code":
                yield from _texts(value)
            elif isinstance(value, ast.List | ast.Tuple | ast.ListComp | ast.IfExp | ast.Dict):
                yield from _texts(value)
    elif isinstance(node, ast.IfExp):
        yield from _texts(node.body)
        yield from _texts(node.orelse)
    elif isinstance(node, ast.ListComp):
        yield from _texts(node.elt)


def _findings(tree):
    """The texts of a module that a user may read as an error's field finding: details of a piiri.errors
    exception, a ValidationError's or InvalidValue's message, ``errors[...] = [...]`` entries, a
    validator's ``error=``, and what a ``*_problem(s)`` or ``*_errors`` rule returns."""
    for node in ast.walk(tree):
        candidates = []
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in ERRORS:
                candidates = node.args[1:2] + [k.value for k in node.keywords if k.arg == "details"]
            elif name in FINDINGS:
                candidates = node.args[:1]
            elif name in FILE_FINDINGS:
                candidates = node.args[1:2]
            candidates += [k.value for k in node.keywords if k.arg in ERROR_TEXT_KEYWORDS]
        elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript):
            if getattr(node.targets[0].value, "id", "") in ("errors", "problems"):
                candidates = [node.value]
        elif isinstance(node, ast.FunctionDef) and node.name.endswith(("_problem", "_problems", "_errors")):
            candidates = [n.value for n in ast.walk(node) if isinstance(n, ast.Return) and n.value]
        for candidate in candidates:
            yield from _texts(candidate)


@functools.cache
def _modules():
    return tuple(_parse_modules())


def _parse_modules():
    for folder in ("services", "gateway", "piiri"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "tests" not in path.parts and "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(), str(path))


def _is_sentence(node):
    return isinstance(node, ast.JoinedStr) or (not is_code(node.value) and " " in node.value)


def test_the_gateway_guesses_no_sentences_any_more():
    assert not (ROOT / "gateway" / "service_messages.py").exists()
    assert "service_messages" not in (ROOT / "gateway" / "i18n.py").read_text()


def test_services_and_the_gateway_find_codes_not_english_sentences():
    """Every module finds codes only: the imports service's cell, row, mapping and file messages were the
    last sentences (worded by a regular-expression table until its catalog replaced it)."""
    where = {}
    for path, tree in _modules():
        for node in _findings(tree):
            if _is_sentence(node):
                where.setdefault(path, f"{path}:{node.lineno}: {ast.unparse(node)[:80]}")
    assert not where, f"a sentence where a code (piiri.errors) belongs: {where}"


def test_every_code_a_service_or_the_gateway_finds_has_a_text_in_every_language():
    from gateway.i18n import LANGUAGES, messages

    codes = {}
    for path, tree in _modules():
        for node in _findings(tree):
            if isinstance(node, ast.Constant) and is_code(node.value) and "." in node.value:
                codes.setdefault(node.value, f"{path}:{node.lineno}")
    assert {"contact.required", "admin.err.taken", "acc.err.too_short", "exp.err.margin_left"} <= set(codes)
    for language in LANGUAGES:
        missing = {code: where for code, where in codes.items() if code not in messages(language)}
        assert not missing, f"{language}: {missing}"
