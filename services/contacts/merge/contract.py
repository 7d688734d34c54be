"""Published shapes of C11: duplicate candidates, review pairs, comparisons and merge results."""

from marshmallow import fields

from services.contacts.contract import LIST_FIELDS
from services.contacts.validation import contract as codes

# Combined from every merged contact rather than chosen from one (C2): the lists and the tags.
COMBINED_FIELDS = (*LIST_FIELDS, "tags")


class Summary(codes.CodedSchema):
    id = fields.UUID(required=True)
    kind = fields.String()
    first_name = fields.String(allow_none=True)
    preferred_name = fields.String(allow_none=True)
    last_name = fields.String(allow_none=True)
    organisation_name = fields.String(allow_none=True)
    display_name = fields.String()
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    birth_date = fields.Date(allow_none=True)


class Candidate(codes.CodedSchema):
    """A contact that may duplicate another one, with the score (0..100) and why."""

    contact = fields.Nested(Summary)
    score = fields.Integer()
    reasons = fields.List(fields.String())


class CandidatePair(codes.CodedSchema):
    """A stored pair for review (contact_a < contact_b)."""

    contact_a = fields.Nested(Summary)
    contact_b = fields.Nested(Summary)
    score = fields.Integer()
    reasons = fields.List(fields.String())
    found_at = fields.DateTime()


class DismissInput(codes.CodedSchema):
    contact_ids = fields.List(fields.String(), required=True)


class MergeInput(codes.CodedSchema):
    survivor_id = fields.String(required=True)
    merged_ids = fields.List(fields.String(), required=True)
    chosen = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict)
