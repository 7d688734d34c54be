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
ERROR_CODES = (
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
