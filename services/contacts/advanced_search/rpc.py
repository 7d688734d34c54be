"""RPC methods of advanced search (C4), mixed into ContactsService: search_contacts_advanced and
count_contacts_advanced. Both need contacts.view; each page is audited as one contact.listed read."""

import base64
import json

from marshmallow import ValidationError
from nameko.rpc import rpc

from piiri.errors import EXPECTED_ERRORS, ValidationFailed
from services.contacts.advanced_search import filters as _filters  # noqa: F401  (registers the filters)
from services.contacts.advanced_search import storage as advanced_storage
from services.contacts.advanced_search.contract import AdvancedCountInput, AdvancedSearchInput
from services.contacts.advanced_search.expression import compile_expression
from services.contacts.contract import SUMMARY_FIELDS, ContactSummary
from services.contacts.filters import _builder
from services.contacts.saved_searches.storage import COUNT_CAP
from services.contacts.search import clamp_limit, encode_cursor

VIEW = "contacts.view"
SUMMARY = ContactSummary()
CURSOR_KEYS = {"o", "d", "n", "k", "i"}


def condition_for(expression):
    """The SQL condition of an expression (ValidationFailed naming each bad node by its path)."""
    return compile_expression(
        expression,
        build_filter=lambda name, value: _builder(name)(value),
        build_text=advanced_storage.text_condition,
        known_filter=lambda name: _builder(name) is not None,
    )


def _loaded(schema, data):
    if not isinstance(data, dict):
        raise ValidationFailed("The search must be an object.", {"_schema": ["Not an object."]})
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise ValidationFailed("Some fields are not valid.", exc.normalized_messages()) from None


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
    if position["o"] != sort or position["d"] != direction:
        raise ValidationFailed(
            "The paging cursor was made for another sort.",
            {"cursor": [f"Made for sort {position['o']} {position['d']}; start again from page 1."]},
        )
    return position


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
        limit = clamp_limit(limit)
        condition = condition_for(args["expression"])
        position = position_for(args["cursor"], args["sort"], args["direction"])
        items, next_position = advanced_storage.page(
            self.db.session, condition, args["sort"], args["direction"], limit, position
        )
        self.db.session.rollback()
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
                },
            )
        return {
            "items": SUMMARY.dump(items, many=True),
            "next_cursor": encode_cursor(next_position) if next_position else None,
            "match": "exact",
        }

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def count_contacts_advanced(self, expression):
        """How many contacts match, up to 10,001 (no personal data, so no audit record)."""
        self.context.require(VIEW)
        args = _loaded(AdvancedCountInput(), {"expression": expression})
        condition = condition_for(args["expression"])
        found = advanced_storage.count(self.db.session, condition)
        self.db.session.rollback()
        return {"count": found, "exact": found <= COUNT_CAP}
