"""The rules of application rounds (Q3), with no I/O: a round's form and what it releases to reviewers,
the rubric's criteria (weights positive, minimums within the scale), an application's texts and
attachments (size and type limits), and mapping a survey response's answers to an application."""

import base64
import binascii
import math

from piiri.errors import coded
from services.surveys import contract


def round_errors(values):
    """{field: [codes]} of a round's input as loaded (empty when it is sound)."""
    errors = {}
    keys = [item["key"] for item in values.get("form_fields", [])]
    if len(set(keys)) != len(keys):
        errors["form_fields"] = ["applications.field_key_duplicate"]
    known = set(keys) | set(contract.RELEASABLE_EXTRAS)
    unknown = sorted(set(values.get("released_fields", [])) - known)
    if unknown:
        errors["released_fields"] = [coded("applications.field_unknown", fields=", ".join(unknown))]
    targets = set(keys) | {"title"}
    wrong = sorted(code for code, key in (values.get("question_map") or {}).items() if key not in targets)
    if wrong:
        errors["question_map"] = [coded("applications.field_unknown", fields=", ".join(wrong))]
    deadlines = [values.get(name) for name in contract.DEADLINES]
    given = [day for day in deadlines if day is not None]
    if given != sorted(given):
        errors["deadlines"] = ["applications.deadlines_out_of_order"]
    return errors


def passed(deadline, today):
    """Whether a deadline day (a date, or None: no deadline) is over on ``today``: a deadline is the last
    day something is taken, to its end in the organisation's time zone."""
    return deadline is not None and today > deadline


def days_left(deadline, today):
    """Whole days from ``today`` to the deadline day (0 on the day itself, negative once it is over), or
    None without a deadline."""
    return None if deadline is None else (deadline - today).days


def rubric_errors(criteria):
    """{"criteria.<n>": [codes]} of a rubric (n from 1): a weight must be positive and finite, a minimum
    within 0..max_score, names unique (case-insensitive)."""
    errors = {}
    if len(criteria) > contract.MAX_CRITERIA:
        return {"criteria": [coded("applications.too_many_criteria", max=contract.MAX_CRITERIA)]}
    seen = set()
    for number, criterion in enumerate(criteria, start=1):
        problems = []
        weight = criterion["weight"]
        if not math.isfinite(weight) or weight <= 0:
            problems.append("applications.weight_not_positive")
        minimum = criterion.get("minimum")
        if minimum is not None and not 0 <= minimum <= criterion.get("max_score", 5):
            problems.append(coded("applications.minimum_out_of_range", max=criterion.get("max_score", 5)))
        name = criterion["name"].strip().casefold()
        if name in seen:
            problems.append("applications.criterion_name_duplicate")
        seen.add(name)
        if problems:
            errors[f"criteria.{number}"] = problems
    return errors


def texts_errors(form_fields, texts):
    """{"texts": [codes]} when an application names a field its round does not have."""
    keys = {item["key"] for item in form_fields}
    unknown = sorted(set(texts) - keys)
    if unknown:
        return {"texts": [coded("applications.field_unknown", fields=", ".join(unknown))]}
    return {}


def attachment(item, number):
    """(row values, errors) of one attachment input: its type among ATTACHMENT_TYPES, its content valid
    base64 of at most MAX_ATTACHMENT_BYTES and not empty."""
    key = f"attachments.{number}"
    if item["content_type"] not in contract.ATTACHMENT_TYPES:
        return None, {key: [coded("applications.attachment_type", type=item["content_type"])]}
    try:
        content = base64.b64decode(item["content_base64"], validate=True)
    except (binascii.Error, ValueError):
        return None, {key: ["applications.attachment_not_base64"]}
    if not content:
        return None, {key: ["applications.attachment_empty"]}
    if len(content) > contract.MAX_ATTACHMENT_BYTES:
        return None, {key: [coded("applications.attachment_too_big", max=contract.MAX_ATTACHMENT_BYTES)]}
    filename = item["filename"].replace("/", "_").replace("\\", "_").strip() or "file"
    return {
        "filename": filename,
        "content_type": item["content_type"],
        "size": len(content),
        "content": content,
    }, {}


def attachments(items):
    """(rows, errors) of an application's attachments (at most MAX_ATTACHMENTS)."""
    if len(items) > contract.MAX_ATTACHMENTS:
        return [], {"attachments": [coded("applications.too_many_attachments", max=contract.MAX_ATTACHMENTS)]}
    rows, errors = [], {}
    for number, item in enumerate(items, start=1):
        row, problems = attachment(item, number)
        errors.update(problems)
        if row:
            rows.append(row)
    return rows, errors


def from_response(question_map, answers):
    """(title, texts) of an application from a survey response's raw answers: each mapped question's
    answer as text; the title falls back to "" (the caller names it by the response)."""
    title, texts = "", {}
    for code, key in question_map.items():
        value = answers.get(code)
        if value is None or value == "":
            continue
        text = str(value)[: contract.MAX_FIELD_TEXT]
        if key == "title":
            title = text[:300]
        else:
            texts[key] = text
    return title, texts


SCHEMA_CODES = {
    "Missing data for required field.": "applications.value_required",
    "Unknown field.": "applications.value_unknown",
    "Not a valid number.": "applications.value_not_number",
    "Not a valid integer.": "applications.value_not_number",
    "Not a valid date.": "applications.value_not_date",
    "Not a valid UUID.": "applications.value_not_id",
    "Field may not be null.": "applications.value_required",
}


def schema_codes(messages, path=""):
    """marshmallow's messages as {"a.b.1": [codes]}: nested names joined with dots, lists numbered from 1,
    each sentence as its code (applications.value_invalid for any other)."""
    found = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = str(key + 1) if isinstance(key, int) else str(key)
            found.update(schema_codes(value, f"{path}.{name}" if path else name))
    elif isinstance(messages, list):
        if all(isinstance(item, str) for item in messages):
            found[path or "_schema"] = [
                SCHEMA_CODES.get(item, "applications.value_invalid") for item in messages
            ]
        else:
            for number, item in enumerate(messages, start=1):
                found.update(schema_codes(item, f"{path}.{number}"))
    else:
        found[path or "_schema"] = [SCHEMA_CODES.get(str(messages), "applications.value_invalid")]
    return found
