"""The OpenAPI schemas of the data_protection API routes (issue 11 item 4): the shapes their "
"declarations name."""

from marshmallow import Schema, fields

from gateway.openapi import component
from services.contacts.consents.contract import (
    Consent,
    LegalBasis,
    Purpose,
)
from services.contacts.consents.contract import ConsentInput as ConsentInput
from services.contacts.consents.contract import DataProtectionView as DataProtectionView
from services.contacts.consents.contract import LegalBasisEnd as LegalBasisEnd
from services.contacts.consents.contract import LegalBasisInput as LegalBasisInput
from services.contacts.consents.contract import PurposeChanges as PurposeChanges
from services.contacts.consents.contract import PurposeInput as PurposeInput
from services.contacts.retention.contract import EraseInput, EraseResult, Rule, RuleInput
from services.contacts.retention.contract import PastRetentionPage as PastRetentionPage


class DpConsentsResponse(Schema):
    current = fields.List(
        fields.Nested(Consent), metadata={"description": "The latest row of each purpose: the current state."}
    )
    history = fields.List(
        fields.Nested(Consent), metadata={"description": "Every row, newest first (append-only)."}
    )


class DpLegalBasesResponse(Schema):
    items = fields.List(fields.Nested(LegalBasis))


class DpPurposesResponse(Schema):
    items = fields.List(fields.Nested(Purpose))


class RetentionCountQuery(Schema):
    rule_id = fields.UUID(metadata={"description": "Only this enabled rule (default: every enabled rule)."})


class RetentionCountResponse(Schema):
    count = fields.Integer()
    rules = fields.List(fields.Nested(Rule))


class RetentionPastQuery(Schema):
    limit = fields.Integer(metadata={"minimum": 1, "maximum": 200, "default": 25})
    cursor = fields.String(metadata={"description": "next_cursor of the previous page"})
    rule_id = fields.UUID(metadata={"description": "Only this enabled rule (default: every enabled rule)."})


class RetentionRulesResponse(Schema):
    items = fields.List(fields.Nested(Rule))


component("RetentionRule", Rule)
component("RetentionRuleInput", RuleInput)
component("RetentionEraseInput", EraseInput)
component("RetentionEraseResult", EraseResult)
