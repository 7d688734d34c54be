"""The OpenAPI schemas of the merge API routes (issue 11 item 4): the shapes their
@api_operation declarations name as `schemas.<Name>`; a name imported "as" itself is re-exported for them."""

from marshmallow import Schema, fields

from gateway.openapi import AnyObject as AnyObject
from gateway.openapi import component
from services.contacts.merge.contract import Candidate, CandidatePair
from services.contacts.merge.contract import DismissInput as DismissInput
from services.contacts.merge.contract import MergeInput as MergeInput


class MergeCandidatesQuery(Schema):
    limit = fields.Integer(metadata={"minimum": 1, "maximum": 200})
    cursor = fields.String()


class MergeCandidatesResponse(Schema):
    items = fields.List(fields.Nested(CandidatePair))
    next_cursor = fields.String(allow_none=True)


class MergeCompareQuery(Schema):
    ids = fields.String(required=True, metadata={"description": "Comma-separated contact ids"})


class MergeCompareResponse(Schema):
    contacts = fields.List(fields.Dict())
    differs = fields.Dict(keys=fields.String(), values=fields.Boolean())


class MergeDuplicatesOfResponse(Schema):
    items = fields.List(fields.Nested(Candidate))
    contact_id = fields.String()


class MergeScanQuery(Schema):
    batch_size = fields.Integer(metadata={"default": 500})
    all = fields.String(metadata={"enum": ["true", "false"]})


component("DuplicatePair", CandidatePair)
component("DuplicateCandidate", Candidate)
