"""Published contract of G5 (version 1): retention rules, the past-retention page, bulk erasure."""

from marshmallow import fields, pre_load

from piiri.fields import BoundedList
from services.contacts.validation import contract as codes

KINDS = ("inactive", "deceased")


class RuleInput(codes.CodedSchema):
    name = fields.String(required=True, validate=codes.Length(min=1, max=200))
    kind = fields.String(required=True, validate=codes.OneOf(KINDS))
    config = fields.Dict(required=True, metadata={"description": 'inactive and deceased: {"years": 1..100}.'})
    enabled = fields.Boolean(load_default=True)

    @pre_load
    def trimmed(self, data: object, **kwargs: object) -> object:
        if isinstance(data, dict) and isinstance(data.get("name"), str):
            data = {**data, "name": data["name"].strip()}
        return data


class Rule(codes.CodedSchema):
    id = fields.UUID(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    config = fields.Dict()
    enabled = fields.Boolean()
    created_by = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class RuleMatch(codes.CodedSchema):
    rule_id = fields.UUID()
    rule_name = fields.String()
    kind = fields.String()
    since = fields.Date(metadata={"description": "The date the contact became past retention by this rule."})


class PastRetentionItem(codes.CodedSchema):
    id = fields.UUID()
    kind = fields.String()
    display_name = fields.String()
    deceased_on = fields.Date(allow_none=True)
    updated_at = fields.DateTime()
    rules = fields.List(fields.Nested(RuleMatch))
    since = fields.Date(metadata={"description": "The earliest date among its rules."})


class PastRetentionPage(codes.CodedSchema):
    items = fields.List(fields.Nested(PastRetentionItem))
    next_cursor = fields.String(allow_none=True)
    rules = fields.List(fields.Nested(Rule), metadata={"description": "The enabled rules applied."})


class EraseInput(codes.CodedSchema):
    """Which contacts past retention to erase: some (``contact_ids``) or all (``all``: true), optionally
    only those matching ``rule_ids``; each is checked again to be past retention before it is erased."""

    contact_ids = BoundedList(fields.UUID(), max_length=10000)
    all = fields.Boolean(load_default=False)
    rule_ids = fields.List(fields.UUID(), load_default=None)
    reason = fields.String(load_default=None, validate=codes.Length(max=2000))
    batch_size = fields.Integer(load_default=100, validate=codes.Range(min=1, max=1000))


class EraseResult(codes.CodedSchema):
    requested = fields.List(
        fields.UUID(), metadata={"description": "Contacts whose erasure was requested now."}
    )
    failed = fields.Dict(metadata={"description": "contact id -> why its erasure was not requested."})
    remaining = fields.Integer(metadata={"description": "Selected contacts still past retention and not yet "
                                         "requested: call again until 0."})  # fmt: skip
    done = fields.Boolean()
