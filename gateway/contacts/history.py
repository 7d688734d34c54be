"""A contact's field changes as the contact page shows them (issue 13 item 5): who, when, which field, and
the old and new value in words (kinds, genders and languages in the reader's language, dates in their
format, e-mail, phone and address lists as text, an empty value said so)."""

from gateway.web_helpers import format_phone
from piiri import formatting

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


def change_rows(items, t):
    """contacts.contact_changes' items -> rows of (when, who, field label, old → new)."""
    return [
        {
            "when": item["changed_at"],
            "who": item.get("actor_username") or "",
            "field": t(f"field.{item['field']}") if t.has(f"field.{item['field']}") else item["field"],
            "change": t(
                "audit.old_new",
                old=value_text(item["field"], item.get("old_value"), t),
                new=value_text(item["field"], item.get("new_value"), t),
            ),
        }
        for item in items
    ]
