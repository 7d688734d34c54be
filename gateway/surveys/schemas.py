"""The OpenAPI schemas of the surveys API routes (Q1, Q2): the shapes their @api_operation declarations name
as `schemas.<Name>`; a name imported "as" itself is re-exported for them."""

from marshmallow import Schema, fields, validate

from services.surveys.contract import PROPOSAL_STATES, Participant, Proposal, RemoteSurvey, ResponseRow
from services.surveys.contract import LinkChanges as LinkChanges
from services.surveys.contract import LinkInput as LinkInput
from services.surveys.contract import SurveyLink as SurveyLink


class RemoteSurveyList(Schema):
    items = fields.List(fields.Nested(RemoteSurvey))


class SurveyLinkList(Schema):
    items = fields.List(fields.Nested(SurveyLink))


class ParticipantList(Schema):
    items = fields.List(fields.Nested(Participant))
    link_id = fields.UUID()


class ResponseList(Schema):
    items = fields.List(fields.Nested(ResponseRow))


class ProposalList(Schema):
    items = fields.List(fields.Nested(Proposal))


class PageQuery(Schema):
    limit = fields.Integer(validate=validate.Range(min=1, max=1000))
    offset = fields.Integer(validate=validate.Range(min=0))


class ProposalsQuery(Schema):
    survey_id = fields.UUID(metadata={"description": "Only this linked survey's proposals."})
    state = fields.String(validate=validate.OneOf(PROPOSAL_STATES), metadata={"description": "Default open."})
    limit = fields.Integer(validate=validate.Range(min=1, max=1000))


class RemindInput(Schema):
    min_days_between = fields.Integer(
        allow_none=True, metadata={"description": "Days since the invitation or the last reminder."}
    )
    max_reminders = fields.Integer(allow_none=True, metadata={"description": "Reminders at most per person."})


class PushResult(Schema):
    added = fields.Integer(metadata={"description": "Participants added to LimeSurvey now."})
    already = fields.Integer(metadata={"description": "Members pushed before."})
    skipped = fields.Dict(metadata={"description": "Left out by reason: no_email, opted_out, deceased."})
    refused = fields.List(
        fields.Dict(), metadata={"description": "Refused by LimeSurvey: contact_id, errors."}
    )


class SendResult(Schema):
    sent = fields.Integer()
    left = fields.Integer(metadata={"description": "Still to send (LimeSurvey sends maxemails per call)."})


class SyncResult(Schema):
    participants = fields.Integer(metadata={"description": "Participants whose state was read back."})
    responses = fields.Dict(metadata={"description": "New responses by outcome (created, proposed, …)."})
