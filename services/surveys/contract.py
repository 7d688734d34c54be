"""The surveys service's published contract (version 1, Q1 and Q2): a linked LimeSurvey survey, its
participants and responses as returned, a link's input, the error codes, and the contact fields a
question can be mapped to. No I/O; the only module of the service that others import."""

from marshmallow import Schema, fields, validate

# Whose members a survey's participants are.
SELECTION_KINDS = ("group", "saved_search")
# A known participant's answers that differ from the contact: a proposed change, or applied at once.
KNOWN_MODES = ("propose", "apply")
# A response from someone who was not pushed as a participant: "ignore" takes nothing in; the others are
# the imports' on_duplicate (duplicate matching by e-mail, phone, name and birth date; I1).
NEW_PEOPLE = ("ignore", "create", "skip", "update_fill", "update_overwrite")
# What became of one response.
OUTCOMES = ("unchanged", "proposed", "applied", "created", "updated", "skipped", "error", "anonymous")
PROPOSAL_STATES = ("open", "accepted", "rejected")
# Contact fields a question can fill (ContactInput's names); custom fields as "custom.<key>".
STANDARD_FIELDS = (
    "first_name",
    "preferred_name",
    "middle_name",
    "last_name",
    "organisation_name",
    "title",
    "honorific",
    "email",
    "phone",
    "street",
    "postal_code",
    "city",
    "country",
    "birth_date",
    "language",
    "gender",
    "website",
)
CUSTOM_PREFIX = "custom."
MAX_MAPPED_QUESTIONS = 200

# Error codes (the gateway's catalogs give them words).
LIMESURVEY_NOT_CONFIGURED = "surveys.limesurvey_not_configured"
LIMESURVEY_UNREACHABLE = "surveys.limesurvey_unreachable"
LIMESURVEY_LOGIN_FAILED = "surveys.limesurvey_login_failed"
LIMESURVEY_SESSION_EXPIRED = "surveys.limesurvey_session_expired"
LIMESURVEY_RPC_DISABLED = "surveys.limesurvey_rpc_disabled"
LIMESURVEY_NO_PERMISSION = "surveys.limesurvey_no_permission"
LIMESURVEY_STATUS = "surveys.limesurvey_status"  # details: {"status": LimeSurvey's own words}
REMOTE_SURVEY_MISSING = "surveys.remote_survey_missing"
LINK_NOT_FOUND = "surveys.link_not_found"
ALREADY_LINKED = "surveys.already_linked"
LINK_INVALID = "surveys.link_invalid"
NO_SELECTION = "surveys.no_selection"
PROPOSAL_NOT_FOUND = "surveys.proposal_not_found"
PROPOSAL_DECIDED = "surveys.proposal_decided"
ERROR_CODES: tuple[str, ...] = (
    LIMESURVEY_NOT_CONFIGURED,
    LIMESURVEY_UNREACHABLE,
    LIMESURVEY_LOGIN_FAILED,
    LIMESURVEY_SESSION_EXPIRED,
    LIMESURVEY_RPC_DISABLED,
    LIMESURVEY_NO_PERMISSION,
    LIMESURVEY_STATUS,
    REMOTE_SURVEY_MISSING,
    LINK_NOT_FOUND,
    ALREADY_LINKED,
    LINK_INVALID,
    NO_SELECTION,
    PROPOSAL_NOT_FOUND,
    PROPOSAL_DECIDED,
)


class SelectionInput(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(SELECTION_KINDS))
    id = fields.UUID(required=True)


class LinkInput(Schema):
    """Link a LimeSurvey survey (its sid) to Piiri: whose members are its participants, how its answers
    map to contact fields, and what responses do to contacts."""

    sid = fields.Integer(required=True, validate=validate.Range(min=1))
    selection = fields.Nested(SelectionInput, allow_none=True, load_default=None)
    mapping = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=100)),
        values=fields.String(validate=validate.Length(min=1, max=120)),
        load_default=dict,
        metadata={"description": 'Question code → contact field, e.g. {"Q1": "city", "Q2": "custom.shirt"}.'},
    )
    known_mode = fields.String(load_default="propose", validate=validate.OneOf(KNOWN_MODES))
    new_people = fields.String(load_default="skip", validate=validate.OneOf(NEW_PEOPLE))
    new_people_group_id = fields.UUID(allow_none=True, load_default=None)


class LinkChanges(LinkInput):
    class Meta:
        exclude = ("sid",)


class RemoteSurvey(Schema):
    sid = fields.Integer(required=True)
    title = fields.String(required=True)
    active = fields.Boolean()
    linked = fields.Boolean(metadata={"description": "Whether Piiri has linked it."})
    link_id = fields.UUID(allow_none=True)


class SurveyLink(Schema):
    id = fields.UUID(required=True)
    sid = fields.Integer(required=True)
    title = fields.String()
    anonymized = fields.Boolean(metadata={"description": "LimeSurvey anonymises responses: never linked."})
    selection = fields.Dict(allow_none=True)
    mapping = fields.Dict()
    known_mode = fields.String()
    new_people = fields.String()
    new_people_group_id = fields.UUID(allow_none=True)
    created_by = fields.String()
    created_at = fields.DateTime()
    synced_at = fields.DateTime(allow_none=True)
    sync_error = fields.String(
        allow_none=True, metadata={"description": "The last failed sync's error code."}
    )
    counts = fields.Dict(metadata={"description": "participants, invited, reminded, completed, responses."})


class Participant(Schema):
    contact_id = fields.UUID(required=True)
    tid = fields.Integer()
    email = fields.String()
    first_name = fields.String(allow_none=True)
    last_name = fields.String(allow_none=True)
    language = fields.String(allow_none=True)
    invited_at = fields.String(allow_none=True, metadata={"description": "LimeSurvey's 'Y-m-d H:i'."})
    reminded_at = fields.String(allow_none=True)
    reminder_count = fields.Integer()
    completed_at = fields.String(allow_none=True)


class ResponseRow(Schema):
    response_id = fields.Integer(required=True)
    contact_id = fields.UUID(allow_none=True)
    submitted_at = fields.String(allow_none=True)
    answers = fields.Dict(metadata={"description": "The mapped answers only, by contact field."})
    outcome = fields.String(metadata={"enum": list(OUTCOMES)})
    errors = fields.Raw(allow_none=True)


class Proposal(Schema):
    id = fields.UUID(required=True)
    link_id = fields.UUID()
    contact_id = fields.UUID()
    changes = fields.Dict(metadata={"description": '{field: {"from": current, "to": answered}}'})
    state = fields.String(metadata={"enum": list(PROPOSAL_STATES)})
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


# --- Q3: application rounds, their rubric and applications ------------------------------------------------

ROUND_PHASES = ("assign", "review", "decide", "closed")  # in this order; deadlines for the first three
# A round's deadlines in their order (submit_until: applications are taken until the end of that day in
# the organisation's time zone; review_until: reviews are saved and submitted until the end of that day).
DEADLINES = ("submit_until", "assign_until", "review_until", "decide_until")
APPLICATION_STATES = ("submitted", "accepted", "rejected")
APPLICATION_SOURCES = ("piiri", "survey")
APPLICATION_LANGUAGES = ("fi", "sv", "en")
# What a round can release to reviewers besides its own text fields.
RELEASABLE_EXTRAS = ("title", "attachments")
FIELD_KEY = r"^[a-z][a-z0-9_]{0,39}$"
MAX_FIELDS = 30
MAX_FIELD_TEXT = 20000
MAX_CRITERIA = 30
MAX_ATTACHMENTS = 10
MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024  # base64 in a JSON body stays under the gateway's 4 MB
ATTACHMENT_TYPES = (
    "application/pdf",
    "text/plain",
    "image/png",
    "image/jpeg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
)

ROUND_NOT_FOUND = "applications.round_not_found"
ROUND_INVALID = "applications.round_invalid"
RUBRIC_INVALID = "applications.rubric_invalid"
APPLICATION_NOT_FOUND = "applications.application_not_found"
APPLICATION_INVALID = "applications.application_invalid"
ATTACHMENT_NOT_FOUND = "applications.attachment_not_found"
ATTACHMENT_INVALID = "applications.attachment_invalid"
ROUND_NOT_LINKED = "applications.round_not_linked"
APPLICANT_NOT_FOUND = "applications.applicant_not_found"
SUBMISSION_CLOSED = "applications.submission_closed"  # params: {"deadline": "YYYY-MM-DD"}
ERROR_CODES += (
    ROUND_NOT_FOUND,
    ROUND_INVALID,
    RUBRIC_INVALID,
    APPLICATION_NOT_FOUND,
    APPLICATION_INVALID,
    ATTACHMENT_NOT_FOUND,
    ATTACHMENT_INVALID,
    ROUND_NOT_LINKED,
    APPLICANT_NOT_FOUND,
    SUBMISSION_CLOSED,
)


class RoundField(Schema):
    key = fields.String(required=True, validate=validate.Regexp(FIELD_KEY))
    label = fields.String(required=True, validate=validate.Length(min=1, max=200))


class RoundInput(Schema):
    """An application round (Q3): its text fields, what reviewers see, phases' deadlines, the linked survey
    whose responses become applications (question code -> field key)."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=5000))
    form_fields = fields.List(
        fields.Nested(RoundField), load_default=list, validate=validate.Length(max=MAX_FIELDS)
    )
    released_fields = fields.List(
        fields.String(validate=validate.Length(min=1, max=40)),
        load_default=lambda: ["title"],
        metadata={"description": "Field keys (and 'title', 'attachments') reviewers see."},
    )
    blind = fields.Boolean(load_default=True, metadata={"description": "Hide the applicant's identity."})
    phase = fields.String(load_default="assign", validate=validate.OneOf(ROUND_PHASES))
    submit_until = fields.Date(
        allow_none=True,
        load_default=None,
        metadata={"description": "The last day applications are taken (later ones are refused)."},
    )
    assign_until = fields.Date(allow_none=True, load_default=None)
    review_until = fields.Date(
        allow_none=True,
        load_default=None,
        metadata={"description": "The last day reviews are saved and submitted (later ones are refused)."},
    )
    decide_until = fields.Date(allow_none=True, load_default=None)
    reviewers_per_application = fields.Integer(load_default=2, validate=validate.Range(min=1, max=20))
    conflict_group_ids = fields.List(fields.UUID(), load_default=list)
    link_id = fields.UUID(allow_none=True, load_default=None)
    question_map = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=100)),
        values=fields.String(validate=validate.Length(min=1, max=40)),
        load_default=dict,
        metadata={"description": "Survey question code -> the round's form field key (or 'title')."},
    )


class RoundChanges(RoundInput):
    pass


class CriterionInput(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=2000))
    weight = fields.Float(required=True, allow_nan=False)
    minimum = fields.Float(allow_none=True, load_default=None, allow_nan=False)
    max_score = fields.Integer(load_default=5, validate=validate.Range(min=1, max=100))


class RubricInput(Schema):
    criteria = fields.List(fields.Nested(CriterionInput), required=True)


class Criterion(Schema):
    id = fields.UUID()
    position = fields.Integer()
    name = fields.String()
    description = fields.String()
    weight = fields.Float()
    minimum = fields.Float(allow_none=True)
    max_score = fields.Integer()


class Round(Schema):
    id = fields.UUID(required=True)
    name = fields.String()
    description = fields.String()
    form_fields = fields.List(fields.Dict())
    released_fields = fields.List(fields.String())
    blind = fields.Boolean()
    phase = fields.String(metadata={"enum": list(ROUND_PHASES)})
    submit_until = fields.Date(allow_none=True)
    assign_until = fields.Date(allow_none=True)
    review_until = fields.Date(allow_none=True)
    decide_until = fields.Date(allow_none=True)
    reviewers_per_application = fields.Integer()
    conflict_group_ids = fields.List(fields.String())
    link_id = fields.UUID(allow_none=True)
    question_map = fields.Dict()
    created_by = fields.String()
    created_at = fields.DateTime()
    criteria = fields.List(fields.Nested(Criterion))
    counts = fields.Dict(metadata={"description": "applications by state."})


class AttachmentInput(Schema):
    filename = fields.String(required=True, validate=validate.Length(min=1, max=200))
    content_type = fields.String(required=True)
    content_base64 = fields.String(required=True)


class ApplicationInput(Schema):
    contact_id = fields.UUID(required=True, metadata={"description": "The applicant (a contact)."})
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    texts = fields.Dict(
        keys=fields.String(),
        values=fields.String(validate=validate.Length(max=MAX_FIELD_TEXT)),
        load_default=dict,
        metadata={"description": "The round's text fields: {field key: text}."},
    )
    language = fields.String(load_default="fi", validate=validate.OneOf(APPLICATION_LANGUAGES))
    attachments = fields.List(fields.Nested(AttachmentInput), load_default=list)


class Attachment(Schema):
    id = fields.UUID()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    created_at = fields.DateTime()


class Application(Schema):
    id = fields.UUID(required=True)
    round_id = fields.UUID()
    contact_id = fields.UUID(allow_none=True, metadata={"description": "None once the applicant is erased."})
    title = fields.String(allow_none=True)
    texts = fields.Dict()
    language = fields.String()
    source = fields.String(metadata={"enum": list(APPLICATION_SOURCES)})
    response_id = fields.Integer(allow_none=True)
    state = fields.String(metadata={"enum": list(APPLICATION_STATES)})
    created_by = fields.String()
    created_at = fields.DateTime()
    pseudonymised_at = fields.DateTime(allow_none=True)
    decision_note = fields.String(allow_none=True)
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    attachments = fields.List(fields.Nested(Attachment))


# --- Q3: reviewers and assignment -------------------------------------------------------------------------

CONFLICT_REASONS = ("own_application", "same_organisation", "couple", "conflict_group", "declared")
CONFLICT_CODES = {  # each reason as the code an error names it with
    "own_application": "applications.conflict.own_application",
    "same_organisation": "applications.conflict.same_organisation",
    "couple": "applications.conflict.couple",
    "conflict_group": "applications.conflict.conflict_group",
    "declared": "applications.conflict.declared",
}
REVIEWER_NOT_FOUND = "applications.reviewer_not_found"
REVIEWER_INVALID = "applications.reviewer_invalid"
ALREADY_REVIEWER = "applications.already_reviewer"
ALREADY_ASSIGNED = "applications.already_assigned"
ASSIGNMENT_NOT_FOUND = "applications.assignment_not_found"
CONFLICT_OF_INTEREST = "applications.conflict_of_interest"  # details: {"conflicts": [reasons]}
ERROR_CODES += (
    REVIEWER_NOT_FOUND,
    REVIEWER_INVALID,
    ALREADY_REVIEWER,
    ALREADY_ASSIGNED,
    ASSIGNMENT_NOT_FOUND,
    CONFLICT_OF_INTEREST,
)


class ReviewerInput(Schema):
    """A gateway user with the reviewer role taken into a round (the gateway checks the role)."""

    user_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    username = fields.String(required=True, validate=validate.Length(min=1, max=150))
    contact_id = fields.UUID(
        allow_none=True, load_default=None, metadata={"description": "The reviewer as a contact (conflicts)."}
    )


class AssignInput(Schema):
    application_id = fields.UUID(required=True)
    reviewer_id = fields.UUID(required=True)
    override_reason = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.Length(min=5, max=1000),
        metadata={"description": "Needed to assign despite a known conflict of interest; recorded."},
    )


class Reviewer(Schema):
    id = fields.UUID()
    round_id = fields.UUID()
    user_id = fields.String()
    username = fields.String()
    contact_id = fields.UUID(allow_none=True)
    assigned = fields.Integer(metadata={"description": "Applications assigned."})
    declared = fields.List(fields.String(), metadata={"description": "Applications declared as conflicts."})
    declarations = fields.List(
        fields.Dict(),
        metadata={
            "description": "The declared conflicts: [{application_id, reason, declared_by, created_at}]."
        },
    )


class Assignment(Schema):
    id = fields.UUID()
    application_id = fields.UUID()
    reviewer_id = fields.UUID()
    username = fields.String()
    assigned_by = fields.String()
    override_reason = fields.String(allow_none=True)
    conflicts = fields.List(fields.String(), allow_none=True)
    created_at = fields.DateTime()


# --- Q3: the reviewer portal ----------------------------------------------------------------------------

REVIEWER_ROLE = "reviewer"
NOT_A_REVIEWER = "applications.not_a_reviewer"
REVIEW_SUBMITTED = "applications.review_submitted"
REVIEW_INVALID = "applications.review_invalid"
RUBRIC_IN_USE = "applications.rubric_in_use"
NOT_IN_REVIEW = "applications.not_in_review"
REVIEW_CLOSED = "applications.review_closed"  # params: {"deadline": "YYYY-MM-DD"}
DECLARATION_INVALID = "applications.declaration_invalid"
ERROR_CODES += (
    NOT_A_REVIEWER,
    REVIEW_SUBMITTED,
    REVIEW_INVALID,
    RUBRIC_IN_USE,
    NOT_IN_REVIEW,
    REVIEW_CLOSED,
    DECLARATION_INVALID,
)
MAX_DECLARATION_REASON = 1000


class OwnDeclarationInput(Schema):
    """A reviewer's own declaration of a conflict of interest with an application assigned to them."""

    reason = fields.String(
        load_default="",
        validate=validate.Length(max=MAX_DECLARATION_REASON),
        metadata={"description": "Optional: why (the coordinator sees it)."},
    )


# --- Q3: the coordinator's view and decisions ---------------------------------------------------------

DECISIONS = ("accept", "reject")
DECISION_INVALID = "applications.decision_invalid"
NOT_DECIDED = "applications.not_decided"
ERROR_CODES += (DECISION_INVALID, NOT_DECIDED)


class DecisionInput(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    note = fields.String(load_default="", validate=validate.Length(max=5000))
