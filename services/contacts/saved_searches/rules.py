"""Pure rules of saved searches (C4): names, queries, filter values, who may see and change one."""

from piiri.errors import ValidationFailed, coded
from services.contacts.saved_searches.contract import NAME_MAX, QUERY_MAX

FILTER_VALUE_MAX = 500
MAX_FILTERS = 50
MANAGE_ANY = "users.manage"  # may change or delete a shared search of someone else


def clean_name(name):
    """A saved search's name, stripped of surrounding and repeated inner spaces; 1..200 characters."""
    if not isinstance(name, str):
        raise ValidationFailed("ss.err.name_required", {"name": ["ss.err.name_required"]})
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed("ss.err.name_required", {"name": ["ss.err.name_required"]})
    if len(name) > NAME_MAX:
        raise ValidationFailed(
            "ss.err.name_too_long", {"name": [coded("contact.too_long", max=NAME_MAX)]}, {"max": NAME_MAX}
        )
    return name


def clean_query(query):
    """The free-text query as the search gets it (stripped); at most 500 characters."""
    if query is None:
        return ""
    if not isinstance(query, str):
        raise ValidationFailed("contact.invalid", {"query": ["contact.value_invalid"]})
    query = query.strip()
    if len(query) > QUERY_MAX:
        raise ValidationFailed("contact.invalid", {"query": [coded("contact.too_long", max=QUERY_MAX)]})
    return query


def clean_filters(filters):
    """``{name: value}`` with text values (numbers and booleans become text, as from a URL); empty
    values are left out. Whether each name and value is a usable filter is the search's to say."""
    if filters is None:
        return {}
    if not isinstance(filters, dict):
        raise ValidationFailed("contact.not_object", {"filters": ["contact.not_object"]})
    if len(filters) > MAX_FILTERS:  # limit first (issue 12 item 2)
        too_many = coded("contact.too_many", max=MAX_FILTERS)
        raise ValidationFailed("contact.invalid", {"filters": [too_many]})
    cleaned, errors = {}, {}
    for name, value in filters.items():
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (int, float)):
            value = str(value)
        if value is None or value == "":
            continue
        if not isinstance(name, str) or not isinstance(value, str):
            errors[str(name)] = ["ss.err.filter_text"]
        elif len(value) > FILTER_VALUE_MAX:
            errors[name] = [coded("contact.too_long", max=FILTER_VALUE_MAX)]
        else:
            cleaned[name] = value
    if errors:
        raise ValidationFailed("Some filters are not valid.", errors)
    return cleaned


def visible_to(search, actor):
    """The owner sees their own searches; everyone sees shared ones. Others' private ones do not exist."""
    return search["owner_id"] == actor.id or bool(search["shared"])


def may_change(search, actor):
    """Only the owner, or a user manager, may rename, share, change or delete a saved search."""
    return search["owner_id"] == actor.id or actor.can(MANAGE_ANY)
