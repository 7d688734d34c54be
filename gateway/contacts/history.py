"""A contact's field changes as the contact page shows them (issue 13 item 5): who, when, which field, and
the old and new value in words (kinds, genders and languages in the reader's language, dates in their
format, e-mail, phone and address lists as text, an empty value said so)."""

from gateway.web_helpers import format_phone
from piiri import formatting
from services.contacts.custom_fields import contract as custom_rules

WORDED = {"kind": "kind", "gender": "gender", "language": "language"}  # field -> catalog prefix of its values
DATES = ("birth_date",)


def value_text(field, value, t):
    """One stored value of ``field`` as a reader reads it."""
    if value in (None, "", []):
        return t("audit.change_empty")
    if field in WORDED and isinstance(value, str) and t.has(f"{WORDED[field]}.{value}"):
        return t(f"{WORDED[field]}.{value}")
    if field in DATES and isinstance(value, str):
        return formatting.format_date(value, t.language)
    if field == "phone" and isinstance(value, str):
        return format_phone(value)
    if isinstance(value, list):
        return ", ".join(_entry_text(entry) for entry in value)
    return str(value)


def _entry_text(entry):
    if not isinstance(entry, dict):
        return str(entry)
    if entry.get("address"):
        return str(entry["address"])
    if entry.get("number"):
        return format_phone(str(entry["number"]))
    place = " ".join(str(part) for part in (entry.get("postal_code"), entry.get("city")) if part)
    return ", ".join(part for part in (entry.get("street"), place) if part) or str(entry)


def change_rows(items, t, custom_fields=None):
    """contacts.contact_changes' items -> rows of (when, who, field label, old → new). A custom field's
    change (``custom.<key>``) is named and worded by its definition in ``custom_fields`` ({key: field})."""
    return [
        {
            "when": item["changed_at"],
            "who": item.get("actor_username") or "",
            "field": _label(item["field"], t, custom_fields or {}),
            "change": t(
                "audit.old_new",
                old=_value(item["field"], item.get("old_value"), t, custom_fields or {}),
                new=_value(item["field"], item.get("new_value"), t, custom_fields or {}),
            ),
        }
        for item in items
    ]


def _label(field, t, custom_fields):
    definition = custom_fields.get(field[7:]) if field.startswith("custom.") else None
    if definition is not None:
        return definition.get(f"label_{t.language}") or definition["label_fi"]
    return t(f"field.{field}") if t.has(f"field.{field}") else field


def _value(field, value, t, custom_fields):
    definition = custom_fields.get(field[7:]) if field.startswith("custom.") else None
    if definition is not None and value not in (None, "", []):
        try:
            return custom_rules.display_value(definition, value, t.language)
        except (TypeError, ValueError):  # a value from before the field's type changed: shown as stored
            return str(value)
    return value_text(field, value, t)
