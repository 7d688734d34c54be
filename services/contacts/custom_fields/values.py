"""Writing a contact's custom values: validate every given value first, then required, unique, write."""

from piiri.errors import ValidationFailed
from services.contacts import scopes
from services.contacts.custom_fields import rules, storage

# What a scoped actor hears of a unique value another contact holds (issue 12 item 7b): the same words
# whether or not the holder is in their scope, and no contact named. That the value is in use somewhere
# cannot be hidden without giving up uniqueness; which contact holds it, and whether it is one outside
# the scope, is not told.
VALUE_IN_USE = "cf.err_in_use"


def write_custom_values(session, contact_id, given, creating=False, actor=None):
    """Validate ``given`` ({key: value or None}) and write it; the changed keys as "custom.<key>".

    Nothing is written unless every value is valid (errors keyed "custom.<key>"). On creation every
    required field must be given; a required field can never be cleared. Unique values are checked
    under a per-field lock held until the transaction ends. With a scoped ``actor`` a contact link may
    name only a contact in the scope (others are "no contact", as unknown ids), and a taken unique value
    is refused without saying more (VALUE_IN_USE).
    """
    fields, cleaned, errors = _checked(session, given, creating, actor)
    _check_unique(session, fields, cleaned, contact_id, errors, actor)
    if errors:
        raise ValidationFailed("Some custom fields are not valid.", errors)
    current = {} if creating else storage.values_by_field(session, contact_id)
    changed = []
    for key, value in sorted(cleaned.items()):
        field = fields[key]
        old = current.get(field["id"])
        if value is None:
            if old is not None:
                storage.clear_value(session, contact_id, field["id"])
                changed.append(f"custom.{key}")
        elif old != value:
            storage.put_value(
                session, contact_id, field["id"], value, rules.value_text(field["field_type"], value)
            )
            changed.append(f"custom.{key}")
    return changed


def custom_value_errors(session, given, creating=False, actor=None):
    """{"custom.<key>": [code]} of the values in ``given`` that write_custom_values would refuse, before
    anything is written (all but uniqueness, which is checked under its lock when writing): so that a
    form's other errors and these come back together (issue 13 item 9)."""
    try:
        return _checked(session, given, creating, actor)[2]
    except ValidationFailed as exc:
        return dict(exc.details)


def _checked(session, given, creating, actor):
    """(fields by key, cleaned values, errors) of ``given``: each value valid, and required ones given."""
    if given is None:
        given = {}
    if not isinstance(given, dict):
        raise ValidationFailed("contact.not_object", {"custom": ["contact.not_object"]})
    fields = {field["key"]: field for field in storage.list_fields(session)}
    cleaned, errors = _cleaned(session, fields, given, actor)
    for key, field in fields.items():
        if field["required"] and key not in errors:
            if (key in cleaned and cleaned[key] is None) or (creating and key not in cleaned):
                errors[f"custom.{key}"] = ["contact.required"]
    return fields, cleaned, errors


def _cleaned(session, fields, given, actor=None):
    cleaned, errors = {}, {}
    for key, raw in given.items():
        field = fields.get(key)
        if field is None:
            errors[f"custom.{key}"] = ["cf.err_no_field"]
            continue
        try:
            cleaned[key] = rules.clean_value(field, raw)
        except rules.InvalidValue as exc:
            errors[f"custom.{key}"] = [exc.entry]
    links = {
        key: value
        for key, value in cleaned.items()
        if value is not None and fields[key]["field_type"] == "contact_link"
    }
    found = storage.existing_contacts(session, set(links.values()))
    if actor is not None and actor.scoped:  # a link out of the scope answers as an unknown id
        found = {str(seen) for seen in scopes.visible_ids(session, actor, found)}
    for key, value in links.items():
        if value not in found:
            errors[f"custom.{key}"] = ["cf.err_contact"]
    return cleaned, errors


def _check_unique(session, fields, cleaned, contact_id, errors, actor=None):
    unique = [
        fields[key]
        for key, value in cleaned.items()
        if value is not None and fields[key]["unique_values"] and f"custom.{key}" not in errors
    ]
    for field in sorted(unique, key=lambda field: str(field["id"])):  # one lock order: no deadlocks
        storage.lock_unique_field(session, field["id"])
        text_form = rules.value_text(field["field_type"], cleaned[field["key"]])
        if storage.value_taken(session, field["id"], text_form, contact_id):
            scoped = actor is not None and actor.scoped
            errors[f"custom.{field['key']}"] = [VALUE_IN_USE if scoped else "cf.err_unique"]


def write_contact_custom(session, contact_id, given, actor, creating=False):
    """For create_contact/update_contact: write ``given`` and return (changed keys, {key: value})."""
    changed = write_custom_values(session, contact_id, given, creating=creating, actor=actor)
    return changed, storage.active_values(session, contact_id)
