"""Pure rules of an import's rows (no SQL, no Nameko): which existing contact a row matches, and what an
update writes (fill empty fields, or overwrite chosen ones)."""

from piiri.collation import unaccented_lower
from services.contacts import rich_fields

AMBIGUOUS = "ambiguous"
LIST_OF_FLAT = {"email": "emails", "phone": "phones", "street": "addresses", "postal_code": "addresses"}
LIST_OF_FLAT["city"] = "addresses"


def norm_name(first_name, last_name):
    """Python twin of SQL piiri_import_name (lower case, accents removed), for rows of one chunk."""
    return unaccented_lower(f"{first_name or ''} {last_name or ''}")


def row_keys(values):
    """{kind: set of keys} a row can be matched on: e-mails, phones and (name, birth date)."""
    keys = {
        "email": rich_fields.all_emails(values),
        "phone": rich_fields.all_phones(values),
        "name_birth_date": set(),
        "_name_birth_raw": [],
    }
    if values.get("birth_date") and (values.get("first_name") or values.get("last_name")):
        first, last = values.get("first_name"), values.get("last_name")
        keys["name_birth_date"] = {(norm_name(first, last), str(values["birth_date"]))}
        keys["_name_birth_raw"] = [(first, last, values["birth_date"])]
    return keys


def choose_match(found_by_kind, match_on):
    """The contact id a row matches: the first kind in ``match_on`` with a match; AMBIGUOUS when that
    kind finds several different contacts; None when nothing matches."""
    for kind in match_on:
        found = found_by_kind.get(kind) or set()
        if len(found) == 1:
            return next(iter(found))
        if len(found) > 1:
            return AMBIGUOUS
    return None


def _empty(value):
    return value is None or value == "" or value == [] or value == {}


def update_changes(current, values, on_duplicate, overwrite_fields):
    """The changes (ContactInput shape) an update writes to ``current`` from the row's ``values``.

    update_fill: only fields the contact has no value in; update_overwrite: the fields named in
    ``overwrite_fields`` (every given field when the list is empty), plus empty fields filled.
    """
    chosen = set(overwrite_fields or ())
    changes = {}
    for key, value in values.items():
        if key in ("kind", "custom") or _empty(value):
            continue
        stored = current.get(LIST_OF_FLAT.get(key, key)) if key in LIST_OF_FLAT else current.get(key)
        if key in ("country", "language") and not any(k in values for k in ("street", "city")):
            continue  # defaults of the contract, not the file's data
        overwrite = on_duplicate == "update_overwrite" and (not chosen or key in chosen)
        if overwrite or _empty(stored):
            if current.get(key) != value:
                changes[key] = value
    return changes


def custom_changes(current_custom, given, on_duplicate, overwrite_fields):
    chosen = set(overwrite_fields or ())
    changes = {}
    for key, value in (given or {}).items():
        if _empty(value):
            continue
        overwrite = on_duplicate == "update_overwrite" and (not chosen or f"custom.{key}" in chosen)
        if (overwrite or _empty(current_custom.get(key))) and current_custom.get(key) != value:
            changes[key] = value
    return changes


def before_image(current, changed_keys):
    """The stored values of the fields an update changes (JSON-able), to restore on undo."""
    image = {}
    for key in changed_keys:
        value = current.get(key)
        image[key] = value.isoformat() if hasattr(value, "isoformat") else value
    return image
