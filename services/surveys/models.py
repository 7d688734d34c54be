"""Tables of the surveys database (Q1, Q2): LimeSurvey surveys linked to a group or saved search, their
participants as pushed (with the LimeSurvey tid/token and invited/reminded/completed), the responses
taken in (only the mapped values, and what became of each) and the changes proposed to contacts
(migrations/ creates exactly this)."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from piiri.outbox import outbox_table

metadata = MetaData()

KNOWN_MODES = ("propose", "apply")  # a known participant's differing answers: proposed, or applied by rule
OUTCOMES = ("unchanged", "proposed", "applied", "created", "updated", "skipped", "error", "anonymous")
PROPOSAL_STATES = ("open", "accepted", "rejected")

survey_links = Table(
    "survey_links",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("sid", BigInteger, nullable=False, unique=True),  # the LimeSurvey survey id
    Column("title", Text, nullable=False),
    Column("anonymized", Text, nullable=False, server_default="N"),  # LimeSurvey's Y/N, checked on each sync
    # {"kind": "group"|"saved_search", "id"}: whose members are pushed as participants (or none).
    Column("selection", JSONB),
    # {question code: contact field ("email", "custom.<key>", …)}
    Column("mapping", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("known_mode", Text, nullable=False, server_default="propose"),
    # What a response from someone not pushed does: the import's on_duplicate (create, update_fill, skip…)
    Column("new_people", Text, nullable=False, server_default="skip"),
    Column("new_people_group_id", UUID(as_uuid=True)),
    # The linking user (piiri.context.Actor header): scheduled syncs act as them (C6 scope, audit).
    Column("actor", JSONB, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("last_response_id", BigInteger, nullable=False, server_default="0"),
    Column("synced_at", DateTime(timezone=True)),
    Column("sync_error", Text),  # the error code of the last sync that failed (None after a good one)
    CheckConstraint(f"known_mode IN {KNOWN_MODES}", name="survey_links_known_mode"),
)

survey_participants = Table(
    "survey_participants",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("link_id", UUID(as_uuid=True), ForeignKey("survey_links.id", ondelete="CASCADE"), nullable=False),
    Column("contact_id", UUID(as_uuid=True), nullable=False),
    Column("tid", BigInteger, nullable=False),
    Column("token", Text, nullable=False),
    Column("email", Text, nullable=False),
    Column("first_name", Text),
    Column("last_name", Text),
    Column("language", Text),
    Column("invited_at", Text),  # LimeSurvey's "Y-m-d H:i" (its server's time), as it reports it
    Column("reminded_at", Text),
    Column("reminder_count", Integer, nullable=False, server_default="0"),
    Column("completed_at", Text),
    Column("pushed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # Not unique: after a merge (contacts_merged) one contact may hold two of a survey's participants.
    Index("survey_participants_contact", "link_id", "contact_id"),
    UniqueConstraint("link_id", "tid", name="survey_participants_tid"),
    Index("survey_participants_token", "link_id", "token"),
    Index("survey_participants_contact_id", "contact_id"),
)

survey_responses = Table(
    "survey_responses",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("link_id", UUID(as_uuid=True), ForeignKey("survey_links.id", ondelete="CASCADE"), nullable=False),
    Column("response_id", BigInteger, nullable=False),  # LimeSurvey's response id
    Column(
        "contact_id", UUID(as_uuid=True)
    ),  # the participant's, or the contact created/updated; None: not linked
    Column("submitted_at", Text),
    Column("answers", JSONB, nullable=False, server_default=text("'{}'::jsonb")),  # mapped fields only
    Column("outcome", Text, nullable=False),
    Column("errors", JSONB),
    Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("link_id", "response_id", name="survey_responses_response"),
    CheckConstraint(f"outcome IN {OUTCOMES}", name="survey_responses_outcome"),
    Index("survey_responses_contact", "contact_id"),
)

survey_proposals = Table(
    "survey_proposals",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column(
        "response_row_id",
        UUID(as_uuid=True),
        ForeignKey("survey_responses.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("link_id", UUID(as_uuid=True), ForeignKey("survey_links.id", ondelete="CASCADE"), nullable=False),
    Column("contact_id", UUID(as_uuid=True), nullable=False),
    Column("changes", JSONB, nullable=False),  # {field: {"from": current, "to": answered}}
    Column("state", Text, nullable=False, server_default="open"),
    Column("decided_by", Text),
    Column("decided_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint(f"state IN {PROPOSAL_STATES}", name="survey_proposals_state"),
    Index("survey_proposals_open", "state", "created_at"),
    Index("survey_proposals_contact", "contact_id"),
)

ROUND_PHASES = ("assign", "review", "decide", "closed")
APPLICATION_STATES = ("submitted", "accepted", "rejected")
APPLICATION_SOURCES = ("piiri", "survey")

# Q3: an application round (grant, scholarship, open call), its rubric, applications and their attachments.
application_rounds = Table(
    "application_rounds",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("name", Text, nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("form_fields", JSONB, nullable=False, server_default=text("'[]'::jsonb")),  # [{key, label}]
    Column("released_fields", JSONB, nullable=False, server_default=text("'[\"title\"]'::jsonb")),
    Column("blind", Boolean, nullable=False, server_default=text("true")),
    Column("phase", Text, nullable=False, server_default="assign"),
    Column("submit_until", Date),  # applications are taken until the end of this day (organisation's)
    Column("assign_until", Date),
    Column("review_until", Date),
    Column("decide_until", Date),
    Column("reviewers_per_application", Integer, nullable=False, server_default="2"),
    Column("conflict_group_ids", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("link_id", UUID(as_uuid=True), ForeignKey("survey_links.id", ondelete="SET NULL")),
    Column("question_map", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("created_by", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint(f"phase IN {ROUND_PHASES}", name="application_rounds_phase"),
)

round_criteria = Table(
    "round_criteria",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column(
        "round_id",
        UUID(as_uuid=True),
        ForeignKey("application_rounds.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("weight", Float, nullable=False),
    Column("minimum", Float),
    Column("max_score", Integer, nullable=False, server_default="5"),
    CheckConstraint("weight > 0", name="round_criteria_weight"),
    UniqueConstraint("round_id", "position", name="round_criteria_position"),
)

applications = Table(
    "applications",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column(
        "round_id",
        UUID(as_uuid=True),
        ForeignKey("application_rounds.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("contact_id", UUID(as_uuid=True)),  # the applicant; None once erased (pseudonymised)
    Column("title", Text),
    Column("texts", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("language", Text, nullable=False, server_default="fi"),
    Column("source", Text, nullable=False, server_default="piiri"),
    Column("response_id", BigInteger),  # the survey response it came from (source "survey")
    Column("state", Text, nullable=False, server_default="submitted"),
    Column("created_by", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("pseudonymised_at", DateTime(timezone=True)),
    Column("applicant_name", Text),  # shown to reviewers only when the round is not blind
    Column("decision_note", Text),  # the coordinator's note, shown in the decision letter
    Column("decided_by", Text),
    Column("decided_at", DateTime(timezone=True)),
    CheckConstraint(f"state IN {APPLICATION_STATES}", name="applications_state"),
    CheckConstraint(f"source IN {APPLICATION_SOURCES}", name="applications_source"),
    UniqueConstraint("round_id", "response_id", name="applications_response"),
    Index("applications_round", "round_id", "created_at"),
    Index("applications_contact", "contact_id"),
)

application_attachments = Table(
    "application_attachments",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column(
        "application_id",
        UUID(as_uuid=True),
        ForeignKey("applications.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("filename", Text, nullable=False),
    Column("content_type", Text, nullable=False),
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Q3 reviewers: gateway users with the reviewer role taken into a round (their own contact, if any, for the
# conflicts Piiri knows), what they declared and the applications assigned to them.
round_reviewers = Table(
    "round_reviewers",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column(
        "round_id",
        UUID(as_uuid=True),
        ForeignKey("application_rounds.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("user_id", Text, nullable=False),  # the gateway user's id
    Column("username", Text, nullable=False),
    Column("contact_id", UUID(as_uuid=True)),  # the reviewer as a contact (conflicts of interest)
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("round_id", "user_id", name="round_reviewers_user"),
    Index("round_reviewers_contact", "contact_id"),
)

reviewer_declarations = Table(
    "reviewer_declarations",
    metadata,
    Column(
        "reviewer_id",
        UUID(as_uuid=True),
        ForeignKey("round_reviewers.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "application_id",
        UUID(as_uuid=True),
        ForeignKey("applications.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("reason", Text),  # the reviewer's own words (optional); cleared when the applicant is erased
    Column("declared_by", Text),  # the username of whoever declared it (the reviewer, or the coordinator)
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

review_assignments = Table(
    "review_assignments",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column(
        "application_id",
        UUID(as_uuid=True),
        ForeignKey("applications.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column(
        "reviewer_id",
        UUID(as_uuid=True),
        ForeignKey("round_reviewers.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("assigned_by", Text, nullable=False),
    Column("override_reason", Text),  # set when a known conflict of interest was overridden
    Column("conflicts", JSONB),  # the conflicts overridden
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("submitted_at", DateTime(timezone=True)),  # the reviewer submitted their scores (then locked)
    UniqueConstraint("application_id", "reviewer_id", name="review_assignments_once"),
    Index("review_assignments_reviewer", "reviewer_id"),
)

# A reviewer's score and comment per criterion of an assigned application (kept when the applicant is
# erased: they are about the application, which stays pseudonymised).
review_scores = Table(
    "review_scores",
    metadata,
    Column(
        "assignment_id",
        UUID(as_uuid=True),
        ForeignKey("review_assignments.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "criterion_id",
        UUID(as_uuid=True),
        ForeignKey("round_criteria.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("score", Float, nullable=False),
    Column("comment", Text, nullable=False, server_default=""),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Audit records of changes leave through the outbox, in the change's own transaction.
outbox = outbox_table(metadata)
