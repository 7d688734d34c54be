"""The published contract of saved searches and result counts (C4): RPC input and output, events."""

from collections.abc import Mapping

from marshmallow import fields

from services.contacts.contract import ContactPage
from services.contacts.validation import contract as codes

NAME_MAX = 200
QUERY_MAX = 500


class SavedSearchInput(codes.CodedSchema):
    """What create_saved_search takes (update_saved_search: any of these)."""

    name = fields.String(
        required=True, metadata={"description": f"1..{NAME_MAX} characters, unique per owner"}
    )
    query = fields.String(
        load_default="",
        allow_none=True,
        validate=codes.Length(max=QUERY_MAX),
        metadata={"description": "The free-text query (q of GET /api/v1/contacts)"},
    )
    filters = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(),
        load_default=dict,
        allow_none=True,
        metadata={"description": "Structured filters {name: value}, as GET /api/v1/contacts takes them"},
    )
    expression = fields.Dict(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "An advanced-search expression (as POST /api/v1/contacts:search takes it) "
            "instead of query and filters; checked like the search checks it"
        },
    )
    shared = fields.Boolean(load_default=False, metadata={"description": "Visible to every user"})


class SavedSearch(codes.CodedSchema):
    id = fields.UUID(required=True)
    name = fields.String(required=True)
    owner_id = fields.String(required=True)
    owner_name = fields.String(required=True, metadata={"description": "The owner's username"})
    shared = fields.Boolean(required=True)
    query = fields.String(required=True)
    filters = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    expression = fields.Dict(
        allow_none=True, metadata={"description": "The advanced-search expression, or null"}
    )
    mine = fields.Boolean(metadata={"description": "Whether the caller owns it"})
    can_change = fields.Boolean(metadata={"description": "Whether the caller may rename, share or delete it"})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class SavedSearchList(codes.CodedSchema):
    items = fields.List(fields.Nested(SavedSearch), required=True)


class ContactCount(codes.CodedSchema):
    count = fields.Integer(required=True, metadata={"description": "Matches, counted up to 10,001"})
    exact = fields.Boolean(
        required=True, metadata={"description": "false: there are more than 10,000 (count is 10,001)"}
    )
    match = fields.String(
        metadata={"description": "exact, or fuzzy when only typo-tolerant matches were found (as the list)"}
    )


class SavedSearchPage(ContactPage):
    """One page of a saved search's contacts, as GET /api/v1/contacts gives it."""

    saved_search_id = fields.UUID(required=True)


class SavedSearchEvent(codes.CodedSchema):
    """saved_search_created / saved_search_changed / saved_search_deleted (schema_version 1).

    No query text or filter values: they may name a person. Ask get_saved_search for them.
    """

    saved_search_id = fields.UUID(required=True)
    name = fields.String(required=True)
    owner_id = fields.String(required=True)
    shared = fields.Boolean(required=True)
    changed_fields = fields.List(fields.String(), required=True)


def search_params(query: str | None, filters: Mapping[str, object] | None) -> dict[str, object]:
    """The query arguments that open a saved search on the contact list or the API: q first, then filters."""
    params: dict[str, object] = {"q": query} if query else {}
    params.update(sorted((filters or {}).items()))
    return params
