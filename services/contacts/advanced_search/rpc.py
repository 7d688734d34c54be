"""RPC methods of advanced search (C4), mixed into ContactsService: search_contacts_advanced and
count_contacts_advanced. Both need contacts.view; each page is audited as one contact.listed read."""

import base64
import json
import uuid

from marshmallow import ValidationError
from nameko.rpc import rpc
from sqlalchemy import and_

from piiri.errors import EXPECTED_ERRORS, ValidationFailed
from services.contacts import scopes
from services.contacts.advanced_search import filters as _filters  # noqa: F401  (registers the filters)
from services.contacts.advanced_search import storage as advanced_storage
from services.contacts.advanced_search.contract import AdvancedCountInput, AdvancedSearchInput
from services.contacts.advanced_search.expression import compile_expression
from services.contacts.contract import SUMMARY_FIELDS, ContactSummary
from services.contacts.counting import audit_count
from services.contacts.error_codes import invalid
from services.contacts.filters import _builder, check_targets, unknown_family_filters
from services.contacts.saved_searches.storage import COUNT_CAP
from services.contacts.search import clamp_limit, encode_cursor

VIEW = "contacts.view"
SUMMARY = ContactSummary()
CURSOR_KEYS = {"o", "d", "n", "k", "i"}


def condition_for(expression, session=None, actor=None):
    """The SQL condition of an expression (ValidationFailed naming each bad node by its path); with a
    ``session`` a filter naming nothing (``custom.<key>`` of no active field) is refused too."""
    condition = compile_expression(
        expression,
        build_filter=lambda name, value: _builder(name)(value),
        build_text=advanced_storage.text_condition,
        known_filter=lambda name: _builder(name) is not None,
    )
    if session is not None and actor is not None:
        check_targets(session, actor, filter_values(expression))
    if session is not None:
        nodes = filter_nodes(expression, "expression")
        unknown = unknown_family_filters(session, [name for _, name in nodes])
        errors = {f"{path}.filter": unknown[name] for path, name in nodes if name in unknown}
        if errors:
            messages = [message for texts in errors.values() for message in texts]
            raise ValidationFailed(
                messages[0] if len(set(messages)) == 1 else "The search expression is not valid.", errors
            )
    return condition


def filter_values(node):
    """[(filter name, value)] of a checked expression's filter leaves."""
    for op in ("and", "or"):
        if op in node:
            return [found for child in node[op] for found in filter_values(child)]
    if "not" in node:
        return filter_values(node["not"])
    return [(node["filter"], node.get("value"))] if "filter" in node else []


def filter_nodes(node, path):
    """[(json path, filter name)] of a checked expression's filter leaves."""
    for op in ("and", "or"):
        if op in node:
            return [
                found
                for index, child in enumerate(node[op])
                for found in filter_nodes(child, f"{path}.{op}[{index}]")
            ]
    if "not" in node:
        return filter_nodes(node["not"], f"{path}.not")
    return [(path, node["filter"])] if "filter" in node else []


def _loaded(schema, data):
    if not isinstance(data, dict):
        raise ValidationFailed("The search must be an object.", {"_schema": ["Not an object."]})
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise invalid(exc.normalized_messages()) from None


def position_for(cursor, sort, direction):
    """The position a cursor names; refused if it was made for another sort or direction."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError):
        position = None
    if not isinstance(position, dict) or position.get("m") != "a" or not CURSOR_KEYS <= set(position):
        raise ValidationFailed("The paging cursor is not valid.", {"cursor": ["Not a valid cursor."]})
    if not _well_formed(position, sort):
        raise ValidationFailed("The paging cursor is not valid.", {"cursor": ["Not a valid cursor."]})
    if position["o"] != sort or position["d"] != direction:
        raise ValidationFailed(
            "The paging cursor was made for another sort.",
            {"cursor": [f"Made for sort {position['o']} {position['d']}; start again from page 1."]},
        )
    return position


def _well_formed(position, sort):
    """Only the keys and types page() writes (a tampered cursor would reach SQL): issue 12 item 6."""
    if set(position) != CURSOR_KEYS | {"m"} or position["n"] not in (0, 1) or isinstance(position["n"], bool):
        return False
    try:
        uuid.UUID(str(position["i"]))
        key = position["k"]
        if key is not None:
            if not isinstance(key, str) or "\x00" in key or len(key) > 1000:
                return False
            key.encode("utf-8")
            if position["o"] == sort:
                advanced_storage._key_value(sort, key)
    except (ValueError, TypeError, UnicodeEncodeError):
        return False
    return True


class AdvancedSearchRpc:
    """Advanced search: expressions, sorting, deep keyset paging, counts (C4)."""

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def search_contacts_advanced(self, expression, sort="name", direction="asc", limit=None, cursor=None):
        actor = self.context.require(VIEW)
        args = _loaded(
            AdvancedSearchInput(),
            {
                "expression": expression,
                "sort": sort or "name",
                "direction": direction or "asc",
                "cursor": cursor,
            },
        )
        return self._advanced_page(actor, args, limit, {})

    def _advanced_page(self, actor, args, limit, audit_details):
        """One audited page of an expression's contacts (the advanced search, saved advanced searches):
        one ``contact.listed`` event with ``audit_details`` added."""
        limit = clamp_limit(limit)
        session = self.db.session
        condition = and_(
            condition_for(args["expression"], session, actor), *scopes.conditions(session, actor)
        )
        position = position_for(args["cursor"], args["sort"], args["direction"])
        items, next_position = advanced_storage.page(
            session, condition, args["sort"], args["direction"], limit, position
        )
        session.rollback()
        if items:
            self.audit.read(
                actor,
                "contact.listed",
                "contact",
                [item["id"] for item in items],
                fields=SUMMARY_FIELDS,
                details={
                    "expression": args["expression"],
                    "sort": args["sort"],
                    "direction": args["direction"],
                    **audit_details,
                },
            )
        return {
            "items": SUMMARY.dump(items, many=True),
            "next_cursor": encode_cursor(next_position) if next_position else None,
            "match": "exact",
        }

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def count_contacts_advanced(self, expression):
        """How many contacts match, up to 10,001; one ``contact.counted`` audit record (issue 12 item 4)."""
        actor = self.context.require(VIEW)
        args = _loaded(AdvancedCountInput(), {"expression": expression})
        session = self.db.session
        condition = and_(
            condition_for(args["expression"], session, actor), *scopes.conditions(session, actor)
        )
        found = advanced_storage.count(self.db.session, condition)
        self.db.session.rollback()
        count = {"count": found, "exact": found <= COUNT_CAP}
        return audit_count(self.audit, actor, count, {"expression": args["expression"]})
