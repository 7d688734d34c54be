"""What an export selection means, as one SQL condition (pure apart from the checks that read definitions).

A selection is {"kind": "search", "query", "filters"} | {"kind": "advanced", "expression"} |
{"kind": "saved_search", "id"} | {"kind": "group", "id", "include_subgroups"} | {"kind": "ids", "ids"},
with optional exclusions {"exclude_deceased": bool, "exclude_statuses": [status kind, …]}.
``scoped_condition`` is what every reader of a selection uses (export rows, mailing audiences, invoice
payers, survey recipients): the saved search and the group resolved as the actor sees them, and the
actor's data scopes added.
"""

import uuid

from sqlalchemy import and_, not_

from piiri import clock
from piiri.errors import ValidationFailed
from services.contacts import scopes
from services.contacts.advanced_search.storage import condition_for, text_condition
from services.contacts.groups import storage as group_storage
from services.contacts.groups.storage import member_condition
from services.contacts.models import contacts
from services.contacts.person.filters import KIND_PATTERN
from services.contacts.person.storage import has_active_status
from services.contacts.registries import SEARCH_FILTERS
from services.contacts.saved_searches import rules as saved_rules
from services.contacts.saved_searches import storage as saved_storage

KINDS = ("search", "advanced", "saved_search", "group", "ids")
MAX_IDS = 10_000
MAX_EXCLUDED_STATUSES = 20


def _error(message, field="selection"):
    return ValidationFailed(message, {field: [message]})


def check(selection):
    """The selection's shape checked and normalised (ids parsed); ValidationFailed names what is wrong."""
    if not isinstance(selection, dict):
        raise _error("The selection must be an object with a kind.")
    kind = selection.get("kind")
    if kind not in KINDS:
        raise _error(f"The selection's kind must be one of {', '.join(KINDS)}.", "selection.kind")
    cleaned = {"kind": kind, **exclusions(selection)}
    if kind == "search":
        query = selection.get("query") or ""
        if not isinstance(query, str):
            raise _error("The search query must be text.", "selection.query")
        cleaned["query"] = saved_rules.clean_query(query)
        cleaned["filters"] = saved_rules.clean_filters(selection.get("filters") or {})
    elif kind == "advanced":
        if not isinstance(selection.get("expression"), dict):
            raise _error("An advanced selection needs an expression object.", "selection.expression")
        cleaned["expression"] = selection["expression"]
    elif kind in ("saved_search", "group"):
        cleaned["id"] = _uuid(selection.get("id"), "selection.id")
        if kind == "group":
            cleaned["include_subgroups"] = bool(selection.get("include_subgroups", True))
    else:
        ids = selection.get("ids")
        if not isinstance(ids, list) or not ids:
            raise _error("A hand-picked selection needs a non-empty list of contact ids.", "selection.ids")
        if len(ids) > MAX_IDS:
            raise _error(f"At most {MAX_IDS} hand-picked contacts.", "selection.ids")
        cleaned["ids"] = sorted({str(_uuid(value, "selection.ids")) for value in ids})
    return cleaned


def _uuid(value, field):
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError):
        raise _error(f"{value!r} is not an id.", field) from None


def exclusions(selection):
    exclude_deceased = selection.get("exclude_deceased", False)
    if not isinstance(exclude_deceased, bool):
        raise _error("exclude_deceased must be true or false.", "selection.exclude_deceased")
    statuses = selection.get("exclude_statuses") or []
    if not isinstance(statuses, list) or len(statuses) > MAX_EXCLUDED_STATUSES:
        raise _error("exclude_statuses must be a list of status kinds.", "selection.exclude_statuses")
    for kind in statuses:
        if not isinstance(kind, str) or not KIND_PATTERN.match(kind):
            raise _error(f"{kind!r} is not a status kind code.", "selection.exclude_statuses")
    return {"exclude_deceased": exclude_deceased, "exclude_statuses": sorted(set(statuses))}


def condition(selection, session, saved=None, group=None, actor=None):
    """The SQL condition of a checked selection; ``saved`` the saved search of a saved_search selection,
    ``group`` the group of a group selection (both resolved by the caller, visible to the actor). With
    ``actor``, a filter naming a contact the actor may not see is NotFound (issue 12 item 7b)."""
    kind = selection["kind"]
    if kind == "search":
        parts = [
            text_condition(selection["query"]),
            *SEARCH_FILTERS.conditions(selection["filters"], session, actor),
        ]
    elif kind == "advanced":
        parts = [condition_for(selection["expression"], session, actor)]
    elif kind == "saved_search":
        if saved.get("expression") is not None:
            parts = [condition_for(saved["expression"], session, actor)]
        else:
            parts = [
                text_condition(saved.get("query") or ""),
                *SEARCH_FILTERS.conditions(saved.get("filters"), session, actor),
            ]
    elif kind == "group":
        parts = [member_condition(group["id"], clock.today(), selection["include_subgroups"], group["path"])]
    else:
        parts = [contacts.c.id.in_([uuid.UUID(value) for value in selection["ids"]])]
    if selection["exclude_deceased"]:
        parts.append(contacts.c.deceased_on.is_(None))
    for status in selection["exclude_statuses"]:
        parts.append(not_(has_active_status(status)))
    return and_(*parts)


def scoped_condition(selection, session, actor):
    """The condition of a checked selection as ``actor`` may read it: its saved search or group looked up
    as the actor sees them (NotFound otherwise), and the actor's data scopes (C6) added."""
    kind = selection["kind"]
    saved = saved_storage.visible_search(session, actor, selection["id"]) if kind == "saved_search" else None
    group = (
        group_storage.existing_group(session, selection["id"], "selection.id") if kind == "group" else None
    )
    return and_(
        condition(selection, session, saved=saved, group=group, actor=actor),
        *scopes.conditions(session, actor),
    )
