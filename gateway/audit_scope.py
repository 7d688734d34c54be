"""What a scoped user sees of a contact's audit trail (C6, issue 12 item 7b).

The trail of a contact in their scope is theirs to read, but its events also name other contacts (a
listed page names everyone on it, a merge its other contacts) and carry other users' search words. For a
scoped reader every contact id outside their scope is replaced by HIDDEN, in the subjects and in the
details, and the search words (query, filters, expression) of other users' events are left out. The
contacts service says which ids are out of scope (contacts_out_of_scope), in one call per page.
"""

import re

HIDDEN = "hidden"
SEARCH_DETAILS = ("query", "q", "filters", "expression", "text", "selection")
UUID_TEXT = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _ids_in(value):
    if isinstance(value, str):
        return [value] if UUID_TEXT.match(value) else []
    if isinstance(value, list):
        return [found for item in value for found in _ids_in(item)]
    if isinstance(value, dict):
        return [found for item in value.values() for found in _ids_in(item)]
    return []


def _without(value, hidden):
    if isinstance(value, str):
        return HIDDEN if value.lower() in hidden else value
    if isinstance(value, list):
        return [_without(item, hidden) for item in value]
    if isinstance(value, dict):
        return {key: _without(item, hidden) for key, item in value.items()}
    return value


def ids_to_check(items, contact_id):
    """Every id-like text of the page's subjects and details but the contact's own."""
    found = {text.lower() for item in items for text in [*item["subject_ids"], *_ids_in(item["details"])]}
    found.discard(str(contact_id).lower())
    return sorted(found)


def redact(items, hidden, reader_id):
    """The page's events with the ``hidden`` ids replaced and other users' search words left out."""
    hidden = {text.lower() for text in hidden}
    result = []
    for item in items:
        details = dict(item["details"])
        if str((item.get("actor") or {}).get("id")) != str(reader_id):
            details = {key: value for key, value in details.items() if key not in SEARCH_DETAILS}
        result.append(
            {
                **item,
                "subject_ids": _without(item["subject_ids"], hidden),
                "details": _without(details, hidden),
            }
        )
    return result
