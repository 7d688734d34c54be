"""The published contract of advanced search (C4): the RPC/API input and the count output."""

from marshmallow import fields

from services.contacts.validation import contract as codes

SORTS = ("name", "created_at", "updated_at", "birth_date", "city", "email")
DIRECTIONS = ("asc", "desc")
# An expression is at most MAX_DEPTH levels deep with at most MAX_LEAVES filter/text leaves
# (EXPRESSION_DESCRIPTION below says so in words: keep the two in step).
MAX_DEPTH = 8
MAX_LEAVES = 50
MAX_NODES = 4 * MAX_LEAVES  # and/or/not nodes too: the check stops there, before any more work

EXPRESSION_DESCRIPTION = (
    'A tree of nodes: {"and": [node, ...]}, {"or": [node, ...]}, {"not": node}, '
    '{"filter": "<name>", "value": "<value>"} (any structured filter of GET /api/v1/contacts, e.g. '
    "city, kind, age_min, age_max, born_from, born_to, has_email, created_from, created_to, "
    "updated_from, updated_to, deceased, group_id, with_active_status, custom.<key>) or "
    '{"text": "<free text>"}. At most 8 levels deep and 50 filter/text leaves. Dates as 2026-11-25 '
    "or 25.11.2026. Errors name the node by its JSON path, e.g. expression.and[2].filter."
)


class AdvancedSearchInput(codes.CodedSchema):
    expression = fields.Dict(required=True, metadata={"description": EXPRESSION_DESCRIPTION})
    sort = fields.String(load_default="name", validate=codes.OneOf(SORTS))
    direction = fields.String(load_default="asc", validate=codes.OneOf(DIRECTIONS))
    limit = fields.Integer(load_default=None, allow_none=True, metadata={"description": "1..200, default 25"})
    cursor = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "next_cursor of the previous page; only valid with the same sort"},
    )


class AdvancedCountInput(codes.CodedSchema):
    expression = fields.Dict(required=True, metadata={"description": EXPRESSION_DESCRIPTION})
