"""The OpenAPI schemas of the advanced search routes (issue 11 item 4); the search expression is a recursive
oneOf, which marshmallow cannot express: it is a JSON-schema component."""

from marshmallow import Schema, fields

from gateway.openapi import component, json_schema_component
from services.contacts.advanced_search.contract import EXPRESSION_DESCRIPTION, MAX_DEPTH, MAX_LEAVES
from services.contacts.contract import ContactPage as ContactPage


def expression_schema():
    """The expression's JSON schema: a recursive oneOf of the five node shapes."""
    node = {"$ref": "#/components/schemas/SearchExpression"}
    return {
        "description": EXPRESSION_DESCRIPTION,
        "oneOf": [
            {
                "type": "object",
                "required": ["and"],
                "properties": {"and": {"type": "array", "minItems": 1, "items": node}},
                "additionalProperties": False,
            },
            {
                "type": "object",
                "required": ["or"],
                "properties": {"or": {"type": "array", "minItems": 1, "items": node}},
                "additionalProperties": False,
            },
            {
                "type": "object",
                "required": ["not"],
                "properties": {"not": node},
                "additionalProperties": False,
            },
            {
                "type": "object",
                "required": ["filter", "value"],
                "properties": {
                    "filter": {"type": "string", "example": "city"},
                    "value": {"type": "string", "example": "Helsinki"},
                },
                "additionalProperties": False,
            },
            {
                "type": "object",
                "required": ["text"],
                "properties": {"text": {"type": "string", "maxLength": 200}},
                "additionalProperties": False,
            },
        ],
        "x-max-depth": MAX_DEPTH,
        "x-max-leaves": MAX_LEAVES,
    }


SEARCH_EXPRESSION = json_schema_component("SearchExpression", expression_schema())


class AdvancedCountRequest(Schema):
    expression = fields.Raw(required=True, metadata=SEARCH_EXPRESSION)


class AdvancedCount(Schema):
    count = fields.Integer(metadata={"description": "Matches, counted up to 10,001"})
    exact = fields.Boolean(metadata={"description": "false: more than 10,000"})


class AdvancedSearchRequest(Schema):
    expression = fields.Raw(required=True, metadata=SEARCH_EXPRESSION)
    sort = fields.String(
        metadata={"enum": ["name", "created_at", "updated_at", "birth_date", "city"], "default": "name"}
    )
    direction = fields.String(metadata={"enum": ["asc", "desc"], "default": "asc"})
    limit = fields.Integer(metadata={"minimum": 1, "maximum": 200, "default": 25})
    cursor = fields.String(
        metadata={"description": "next_cursor of the previous page; refused with another sort or direction"}
    )


component(
    "AdvancedSearchRequest",
    AdvancedSearchRequest,
    example={
        "expression": {
            "and": [
                {"or": [{"filter": "city", "value": "Helsinki"}, {"filter": "city", "value": "Espoo"}]},
                {"not": {"filter": "deceased", "value": "only"}},
            ]
        },
        "sort": "birth_date",
    },
)
