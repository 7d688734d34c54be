"""Tables of the mailing database (migrations/ creates exactly this): mailing lists and what each holds at
Campaign Monitor, the contacts pushed there, the contacts flagged by bounces and unsubscribes (M5), the
sync runs with their row failures, the transactional mails sent through SMTP (B3), the subscription forms
with their pending and confirmed subscriptions (M3), the mail templates (M2), the campaigns and their
per-recipient ledger (M1, M4), and the outbox."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from piiri.outbox import outbox_table
from services.mailing.contract import (
    CAMPAIGN_STATUSES,
    FLAG_KINDS,
    MAIL_STATUSES,
    MEMBER_STATES,
    SOURCE_KINDS,
    SYNC_KINDS,
    SYNC_STATUSES,
)

metadata = MetaData()

mailing_lists = Table(
    "mailing_lists",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("name", Text, nullable=False),
    Column("purpose", Text, nullable=False),  # the G1 processing purpose whose consent or basis gates it
    Column("source_kind", Text, nullable=False),  # group | saved_search
    Column("source_id", UUID(as_uuid=True), nullable=False),
    Column("include_subgroups", Boolean, nullable=False, server_default=text("true")),
    Column("fields", JSONB, nullable=False, server_default=text("'[]'::jsonb")),  # contact fields synced
    Column("cm_list_id", Text),  # the Campaign Monitor list, made at the first sync
    Column("cm_fields", JSONB, nullable=False, server_default=text("'{}'::jsonb")),  # field -> CM key
    Column("webhook_id", Text),
    Column("webhook_secret", Text, nullable=False),  # in the webhook URL: Campaign Monitor signs nothing
    Column("webhook_deactivated_at", DateTime(timezone=True)),
    # The actor whose data scope the list is evaluated in (piiri.context.Actor header): its last editor.
    Column("actor", Text, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("erased_count", Integer, nullable=False, server_default="0"),  # members erased (G4), ids not kept
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("archived_at", DateTime(timezone=True)),
    CheckConstraint(f"source_kind IN {SOURCE_KINDS}", name="mailing_lists_source_kind"),
    Index("mailing_lists_name", "name", unique=True, postgresql_where=text("archived_at IS NULL")),
)

# Who is at Campaign Monitor on each list, as Piiri last pushed them (the e-mail they were pushed with).
list_members = Table(
    "list_members",
    metadata,
    Column(
        "list_id", UUID(as_uuid=True), ForeignKey("mailing_lists.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("contact_id", UUID(as_uuid=True), primary_key=True),
    Column("email", Text, nullable=False),
    Column("state", Text, nullable=False, server_default="active"),
    Column("pushed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint(f"state IN {MEMBER_STATES}", name="list_members_state"),
    Index("list_members_contact", "contact_id"),
    Index("list_members_email", "list_id", func.lower(text("email"))),
)

# M5: a contact whose address bounced hard or who unsubscribed; left out of every list while flagged.
contact_flags = Table(
    "contact_flags",
    metadata,
    Column("contact_id", UUID(as_uuid=True), primary_key=True),
    Column("kind", Text, primary_key=True),
    Column("email", Text, nullable=False),
    Column("list_id", UUID(as_uuid=True)),
    Column("source", Text, nullable=False),  # webhook | reconcile | smtp | dsn | report (the bounce policy)
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint(f"kind IN {FLAG_KINDS}", name="contact_flags_kind"),
)

sync_runs = Table(
    "sync_runs",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("list_id", UUID(as_uuid=True), ForeignKey("mailing_lists.id", ondelete="CASCADE"), nullable=False),
    Column("kind", Text, nullable=False),
    Column("status", Text, nullable=False, server_default="queued"),
    Column("contact_ids", JSONB, nullable=False, server_default=text("'[]'::jsonb")),  # incremental: whom
    Column("actor", Text, nullable=False),
    Column("requested_by", Text, nullable=False),
    Column("counts", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("error", Text),  # an error code (mailing.*)
    Column("error_details", JSONB),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("heartbeat_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("started_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    CheckConstraint(f"kind IN {SYNC_KINDS}", name="sync_runs_kind"),
    CheckConstraint(f"status IN {SYNC_STATUSES}", name="sync_runs_status"),
    Index("sync_runs_list", "list_id", "created_at"),
    Index("sync_runs_running", "status", "heartbeat_at"),
)

# The rows of a sync that Piiri or Campaign Monitor refused, each with its code (never a silent drop).
sync_failures = Table(
    "sync_failures",
    metadata,
    Column("run_id", UUID(as_uuid=True), ForeignKey("sync_runs.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", UUID(as_uuid=True), primary_key=True),
    Column("code", Text, nullable=False),
    Column("details", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Index("sync_failures_contact", "contact_id"),
)

# B3 (issue 14): transactional mails, the durable queue of the SMTP path and its message log. A row is
# the message's whole state: queued -> sending (a worker holds it until lease_until) -> sent | bounced |
# failed, or back to queued with next_attempt_at after a transient failure. Recipient, subject and body are
# personal data: erasure empties them (erased_at), the id, status and times stay.
mail_messages = Table(
    "mail_messages",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("key", Text, nullable=False, unique=True),  # the caller's idempotency key
    Column("contact_id", UUID(as_uuid=True)),
    Column("recipient", Text),
    Column("subject", Text),
    Column("body", Text),
    Column("language", Text, nullable=False, server_default="fi"),
    Column("attachments", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("disclosed_fields", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("reference_kind", Text),
    Column("reference_id", Text),
    Column("message_id", Text, nullable=False),  # the Message-ID header, fixed at queueing
    Column("actor", Text, nullable=False),  # who asked (piiri.context.Actor header): documents are read so
    Column("status", Text, nullable=False, server_default="queued"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("code", Text),
    Column("detail", Text),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("lease_until", DateTime(timezone=True)),
    Column("queued_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("sent_at", DateTime(timezone=True)),
    Column("bounced_at", DateTime(timezone=True)),
    Column("failed_at", DateTime(timezone=True)),
    Column("erased_at", DateTime(timezone=True)),
    CheckConstraint(f"status IN {MAIL_STATUSES}", name="mail_messages_status"),
    Index("mail_messages_due", "next_attempt_at", postgresql_where=text("status IN ('queued', 'sending')")),
    Index("mail_messages_contact", "contact_id"),
    Index("mail_messages_reference", "reference_kind", "reference_id"),
)

# M3: a list's subscription form (its public token, on or off) and its consent texts, one row per version
# (a consent records the version it was given under).
subscription_forms = Table(
    "subscription_forms",
    metadata,
    Column(
        "list_id", UUID(as_uuid=True), ForeignKey("mailing_lists.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("token", Text, nullable=False, unique=True),
    Column("enabled", Boolean, nullable=False, server_default=text("false")),
    Column("consent_version", Integer, nullable=False, server_default="1"),
    Column("updated_by", Text),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

subscription_consent_texts = Table(
    "subscription_consent_texts",
    metadata,
    Column(
        "list_id", UUID(as_uuid=True), ForeignKey("mailing_lists.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("version", Integer, primary_key=True),
    Column("texts", JSONB, nullable=False),  # {fi, sv, en}
    Column("created_by", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# M3: a submission waiting for its confirmation (e-mail and names: personal data, deleted after expiry,
# in the access report, erased) and, once confirmed, the record that the contact subscribed (the
# address and names emptied: the contact holds them). ``code_hash``: SHA-256 of the link's code.
subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("list_id", UUID(as_uuid=True), ForeignKey("mailing_lists.id", ondelete="CASCADE"), nullable=False),
    Column("code_hash", Text, nullable=False, unique=True),
    Column("status", Text, nullable=False, server_default="pending"),
    Column("email", Text),
    Column("first_name", Text),
    Column("last_name", Text),
    Column("language", Text, nullable=False, server_default="fi"),
    Column("consent_version", Integer, nullable=False),
    Column("mail_id", UUID(as_uuid=True)),
    Column("contact_id", UUID(as_uuid=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("confirmed_at", DateTime(timezone=True)),
    CheckConstraint("status IN ('pending', 'confirmed')", name="subscriptions_status"),
    Index(
        "subscriptions_pending",
        "list_id",
        func.lower(text("email")),
        postgresql_where=text("status = 'pending'"),
    ),
    Index("subscriptions_expiry", "expires_at", postgresql_where=text("status = 'pending'")),
    Index("subscriptions_contact", "contact_id"),
)

# M3: submissions counted for the rate limits, by keyed digest of the client address or the e-mail
# address (never the values), kept a day.
subscription_attempts = Table(
    "subscription_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", Text, nullable=False),  # ip | email
    Column("digest", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("subscription_attempts_key", "kind", "digest", "at"),
)

# M2: editable templates: a subject, an MJML body and a plain-text part with sandboxed merge fields.
mail_templates = Table(
    "mail_templates",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("name", Text, nullable=False),
    Column("subject", Text, nullable=False),
    Column("mjml", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("updated_by", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("archived_at", DateTime(timezone=True)),
    Index("mail_templates_name", "name", unique=True, postgresql_where=text("archived_at IS NULL")),
)

# M1: a campaign made from a template (its parts copied when it was made: what is sent is what was
# previewed) for one or more lists. draft -> syncing (the lists' audiences re-evaluated and synced) ->
# dispatching (the recipient ledger frozen, Campaign Monitor asked to send) -> sent | scheduled; failed
# (error) may be sent again; a scheduled one unscheduled is a draft again.
campaigns = Table(
    "campaigns",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("name", Text, nullable=False, unique=True),
    Column("template_id", UUID(as_uuid=True), ForeignKey("mail_templates.id"), nullable=False),
    Column("template", JSONB, nullable=False),  # {subject, mjml, text} as the campaign was made
    Column("list_ids", JSONB, nullable=False),  # Piiri's mailing lists
    Column("from_name", Text, nullable=False),
    Column("from_email", Text, nullable=False),
    Column("reply_to", Text, nullable=False),
    Column("content_secret", Text, nullable=False),  # in the content URLs Campaign Monitor fetches
    Column("status", Text, nullable=False, server_default="draft"),
    Column("send_at", DateTime(timezone=True)),  # None: now
    Column("cm_campaign_id", Text),
    Column("sync_run_ids", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("actor", Text, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("requested_by", Text),
    Column("error", Text),
    Column("error_details", JSONB),
    Column("recipients", Integer),  # the ledger's size once frozen
    Column("report", JSONB),  # M4: Campaign Monitor's summary and clicks per link, as last fetched
    Column("report_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("sent_at", DateTime(timezone=True)),
    CheckConstraint(f"status IN {CAMPAIGN_STATUSES}", name="campaigns_status"),
    Index("campaigns_status", "status"),
)

# M1: who a campaign was sent to, frozen at send time, kept for ever. Personal data: erasure empties the
# row (contact_id, email; erased_at set), so the campaign's count stays true. M5: ``bounce`` (hard | soft)
# and ``bounced_at`` when the campaign's report says the recipient's address bounced (the bounce policy).
campaign_recipients = Table(
    "campaign_recipients",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("campaign_id", UUID(as_uuid=True), ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False),
    Column("contact_id", UUID(as_uuid=True)),
    Column("email", Text),
    Column("list_id", UUID(as_uuid=True)),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("erased_at", DateTime(timezone=True)),
    Column("bounce", Text),
    Column("bounced_at", DateTime(timezone=True)),
    # M4: opens and clicks pulled with the report (tracked only with the person's consent to tracking)
    Column("opens", Integer),
    Column("clicks", Integer),
    Column("links", JSONB),  # the links clicked, each once
    Column("last_opened_at", DateTime(timezone=True)),
    Column("last_clicked_at", DateTime(timezone=True)),
    CheckConstraint("bounce IN ('hard', 'soft')", name="campaign_recipients_bounce"),
    Index("campaign_recipients_campaign", "campaign_id"),
    Index("campaign_recipients_contact", "contact_id"),
)

outbox = outbox_table(metadata)
