"""Columns of a flat export (I2): which columns a user may choose and each cell's value for a row.

A resolved column is {"key", "label_fi", "label_sv", "label_en", "type"}: a standard column
(rows.STANDARD_COLUMNS) or a custom field `custom.<key>` (type: the custom field's type; no Swedish
label). contacts.export_page returns the resolved columns of a page; the worker hands them to the format
as options["columns"].
"""

from datetime import date

from piiri.errors import ValidationFailed, coded
from services.exports.contract.rows import CUSTOM_PREFIX, DEFAULT_COLUMNS, STANDARD_COLUMNS

MAX_COLUMNS = 200


def check_columns(columns):
    """The column keys, checked for shape: standard keys or custom.<key>; default columns if none."""
    if columns is None or columns == []:
        return list(DEFAULT_COLUMNS)
    if not isinstance(columns, list) or not all(isinstance(key, str) for key in columns):
        raise ValidationFailed("exp.err.invalid", {"columns": ["value.not_names"]})
    if len(columns) > MAX_COLUMNS:
        raise ValidationFailed("exp.err.invalid", {"columns": [coded("list.too_many", max=MAX_COLUMNS)]})
    unknown = [
        key
        for key in columns
        if key not in STANDARD_COLUMNS
        and not (key.startswith(CUSTOM_PREFIX) and len(key) > len(CUSTOM_PREFIX))
    ]
    if unknown:
        raise ValidationFailed(
            "exp.err.invalid", {"columns": [coded("exp.err.unknown_column", key=key) for key in unknown]}
        )
    return list(dict.fromkeys(columns))


def standard_column(key):
    label_fi, label_sv, label_en, kind = STANDARD_COLUMNS[key]
    return {"key": key, "label_fi": label_fi, "label_sv": label_sv, "label_en": label_en, "type": kind}


def resolve(columns, custom_fields):
    """Resolved columns for keys (checked) given the custom field definitions {key: definition}."""
    resolved, unknown = [], []
    for key in check_columns(columns):
        if key in STANDARD_COLUMNS:
            resolved.append(standard_column(key))
            continue
        definition = custom_fields.get(key[len(CUSTOM_PREFIX) :])
        if definition is None:
            unknown.append(key)
            continue
        resolved.append(
            {
                "key": key,
                "label_fi": definition["label_fi"],
                "label_en": definition["label_en"],
                "type": definition["field_type"],
            }
        )
    if unknown:
        raise ValidationFailed(
            "exp.err.invalid",
            {"columns": [coded("value.no_custom_field", key=key[len(CUSTOM_PREFIX) :]) for key in unknown]},
        )
    return resolved


def label(column, language):
    """The column's header in ``language``; a custom field has no Swedish label: Swedish shows its
    Finnish one (as the web UI does)."""
    if language == "en":
        return column["label_en"]
    return column.get(f"label_{language}") or column["label_fi"]


def raw_value(row, column):
    key = column["key"]
    if key.startswith(CUSTOM_PREFIX):
        return (row.get("custom") or {}).get(key[len(CUSTOM_PREFIX) :])
    return row.get(key)


def typed_value(row, column):
    """The cell's value as a Python value: date, int/float, bool, str or None (lists joined with ', ')."""
    value = raw_value(row, column)
    if value is None or value == "" or value == []:
        return None
    if column["type"] == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return value


YES_NO = {"fi": ("kyllä", "ei"), "sv": ("ja", "nej"), "en": ("yes", "no")}


def text_value(row, column, language):
    """The cell's value as text for text formats: dates ISO, booleans kyllä/ei or yes/no, numbers as is."""
    value = typed_value(row, column)
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES_NO.get(language, YES_NO["en"])[0 if value else 1]
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
