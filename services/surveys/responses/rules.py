"""Responses into the registry (Q2), pure: read LimeSurvey's JSON export, take the mapped answers as contact
values, and compare them with the contact.

LimeSurvey's JSON export is ``{"responses": [...]}``; LimeSurvey 6 lists the rows themselves, older versions
wrap each as ``{"<id>": {...}}``: both are read. Date answers come as "Y-m-d H:i:s" and become dates; empty
answers are not values (an unanswered question never clears a field).
"""

import json
import re

from services.surveys.contract import CUSTOM_PREFIX, MAX_MAPPED_QUESTIONS, STANDARD_FIELDS

DATE_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]\d{2}:\d{2}(:\d{2})?$")
CODE = re.compile(r"^[A-Za-z0-9_\[\]#-]{1,100}$")
CUSTOM_KEY = re.compile(r"^[a-z][a-z0-9_]{0,79}$")


def parse_export(raw):
    """The response rows of an export_responses(json) file (bytes or text)."""
    data = json.loads(raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw)
    rows = data.get("responses") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise ValueError("not a LimeSurvey responses export")
    found = []
    for row in rows:
        if isinstance(row, dict) and "id" not in row and len(row) == 1:
            row = next(iter(row.values()))  # LimeSurvey < 6: {"<id>": {...}}
        if isinstance(row, dict) and str(row.get("id", "")).isdigit():
            found.append({**row, "id": int(row["id"])})
    return sorted(found, key=lambda row: row["id"])


def mapping_errors(mapping):
    """{question code: [error code]} of a mapping that cannot be used."""
    errors = {}
    if len(mapping) > MAX_MAPPED_QUESTIONS:
        return {"mapping": ["surveys.mapping_too_long"]}
    targets = {}
    for code, target in mapping.items():
        if not CODE.match(code):
            errors[code] = ["surveys.question_code_invalid"]
        elif target.startswith(CUSTOM_PREFIX):
            if not CUSTOM_KEY.match(target[len(CUSTOM_PREFIX) :]):
                errors[code] = ["surveys.custom_field_invalid"]
        elif target not in STANDARD_FIELDS:
            errors[code] = ["surveys.field_not_mappable"]
        if target in targets and code not in errors:
            errors[code] = ["surveys.field_mapped_twice"]
        targets[target] = code
    return errors


def _value(answer):
    if answer is None:
        return None
    text = str(answer).strip()
    if not text:
        return None
    match = DATE_TIME.match(text)
    return match[1] if match else text


def mapped_values(response, mapping):
    """ContactInput-shaped values of the mapped, answered questions: {"city": …, "custom": {key: …}}."""
    values = {}
    for code, target in mapping.items():
        value = _value(response.get(code))
        if value is None:
            continue
        if target.startswith(CUSTOM_PREFIX):
            values.setdefault("custom", {})[target[len(CUSTOM_PREFIX) :]] = value
        else:
            values[target] = value
    return values


def flat(values):
    """{"city": …, "custom.key": …} of mapped values (how answers and proposals are stored)."""
    out = {key: value for key, value in values.items() if key != "custom"}
    out.update({CUSTOM_PREFIX + key: value for key, value in (values.get("custom") or {}).items()})
    return out


def _same(field, current, answered):
    if current is None:
        return answered is None
    if field == "email":
        return str(current).strip().lower() == str(answered).strip().lower()
    if field == "phone":
        return re.sub(r"[\s-]", "", str(current)) == re.sub(r"[\s-]", "", str(answered))
    return str(current).strip() == str(answered).strip()


def changes_for(contact, values):
    """{field: {"from": current, "to": answered}} of the answers that differ from the contact."""
    custom = contact.get("custom") or {}
    changes = {}
    for field, answered in flat(values).items():
        if field.startswith(CUSTOM_PREFIX):
            current = custom.get(field[len(CUSTOM_PREFIX) :])
        else:
            current = contact.get(field)
        if not _same(field, current, answered):
            changes[field] = {"from": current, "to": answered}
    return changes


def update_of(changes):
    """The contacts.update_contact changes that apply ``changes``."""
    update = {}
    for field, change in changes.items():
        if field.startswith(CUSTOM_PREFIX):
            update.setdefault("custom", {})[field[len(CUSTOM_PREFIX) :]] = change["to"]
        else:
            update[field] = change["to"]
    return update
