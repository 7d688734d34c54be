"""The OpenAPI schemas of the application-round API routes (Q3): the shapes their @api_operation
declarations name as `schemas.<Name>`; a name imported "as" itself is re-exported for them."""

from marshmallow import Schema, fields

from services.surveys.contract import Application as Application
from services.surveys.contract import ApplicationInput as ApplicationInput
from services.surveys.contract import AssignInput as AssignInput
from services.surveys.contract import Assignment as Assignment
from services.surveys.contract import DecisionInput as DecisionInput
from services.surveys.contract import Reviewer as Reviewer
from services.surveys.contract import Round as Round
from services.surveys.contract import RoundChanges as RoundChanges
from services.surveys.contract import RoundInput as RoundInput
from services.surveys.contract import RubricInput as RubricInput


class RoundList(Schema):
    items = fields.List(fields.Nested(Round))


class ApplicationList(Schema):
    items = fields.List(fields.Nested(Application))


class PageQuery(Schema):
    limit = fields.Integer()
    offset = fields.Integer()


class ImportResult(Schema):
    added = fields.Integer(metadata={"description": "Applications taken in from the linked survey now."})
    skipped = fields.Integer(metadata={"description": "Responses tied to a contact but not found there."})
    late = fields.Integer(metadata={"description": "Responses submitted after the round's submit_until."})


class ReviewerList(Schema):
    items = fields.List(fields.Nested(Reviewer))


class AssignmentList(Schema):
    items = fields.List(fields.Nested(Assignment))


class ReviewerAdd(Schema):
    user_id = fields.UUID(required=True, metadata={"description": "A gateway user with the reviewer role."})
    contact_id = fields.UUID(allow_none=True, metadata={"description": "The reviewer as a contact."})


class DeclarationInput(Schema):
    application_id = fields.UUID(required=True)
    reason = fields.String(metadata={"description": "Optional: why (shown to the coordinator)."})


class AutoAssignResult(Schema):
    assigned = fields.Integer()
    unfilled = fields.Dict(metadata={"description": "{application id: reviewers still missing}"})


class RoundResults(Schema):
    criteria = fields.List(fields.Dict())
    diverging_points = fields.Float(metadata={"description": "A spread above this (0-100) is flagged."})
    items = fields.List(
        fields.Dict(),
        metadata={
            "description": "application_id, title, state, assigned, reviews, average, spread, criteria "
            "(averages by criterion id), flags {diverging, under_minimum: [criterion ids]}"
        },
    )
