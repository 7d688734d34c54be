"""The OpenAPI schemas of the saved_searches API routes (issue 11 item 4): the shapes their "
"declarations name."""

from marshmallow import Schema, fields

from services.contacts.saved_searches.contract import ContactCount as ContactCount
from services.contacts.saved_searches.contract import SavedSearch as SavedSearch
from services.contacts.saved_searches.contract import SavedSearchInput as SavedSearchInput
from services.contacts.saved_searches.contract import SavedSearchList as SavedSearchList
from services.contacts.saved_searches.contract import SavedSearchPage as SavedSearchPage


class SavedSearchesCountQuery(Schema):
    q = fields.String()
    filters = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={
            "description": "Any structured filter of GET /api/v1/contacts as its own argument (deceased=exclude)"  # noqa: E501
        },
    )


class SavedSearchesRunQuery(Schema):
    limit = fields.Integer(metadata={"minimum": 1, "maximum": 200, "default": 25})
    cursor = fields.String(metadata={"description": "next_cursor of the previous page"})
    sort = fields.String(
        metadata={
            "enum": ["name", "created_at", "updated_at", "birth_date", "city"],
            "description": "Only for a saved expression: the sort (default name)",
        }
    )
    direction = fields.String(
        metadata={
            "enum": ["asc", "desc"],
            "description": "Only for a saved expression: asc (default) or desc",
        }
    )
