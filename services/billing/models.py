"""Tables of the billing database (B1-B4): VAT rates, fee types, the number counters, payers, invoices and
their lines, invoice runs, bank files and payments, e-invoice sendings, e-mail deliveries, reminders and
the reference rates, the federation split (settlement parties, fee type components, each invoice line's
frozen split), the stored PDFs of invoice runs (invoice_pdfs) and the outbox (migrations/ creates exactly
this).

Invoices are bookkeeping records: an erased person's invoices keep their numbers, dates and amounts;
their name, address and e-mail are pseudonymised (erasure.py)."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from piiri.outbox import outbox_table

metadata = MetaData()
MONEY = Numeric(12, 2)


def _id():
    return Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()"))


vat_rates = Table(
    "vat_rates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("vat_class", Text, nullable=False),
    Column("rate", Numeric(5, 2), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("builtin", Boolean, nullable=False, server_default=text("false")),
    UniqueConstraint("vat_class", "valid_from", name="vat_rates_class_day"),
)

fee_types = Table(
    "fee_types",
    metadata,
    _id(),
    Column("name", Text, nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("vat_class", Text, nullable=False),
    Column("account", Text, nullable=False, server_default=""),
    # The membership period a paid invoice of this fee pays ("2027"), or null: not a membership fee.
    Column("membership_period", Text),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Gap-free numbers: a series' row is locked by the transaction that takes a number, so a number is used
# only if that transaction commits ("invoice": invoice and credit-note numbers; "payer": payer numbers).
number_counters = Table(
    "number_counters",
    metadata,
    Column("series", Text, primary_key=True),
    Column("next_number", BigInteger, nullable=False),
)

# The payer number and invoice sequence of the "payer" reference scheme.
payers = Table(
    "payers",
    metadata,
    Column("contact_id", UUID(as_uuid=True), primary_key=True),
    Column("payer_number", BigInteger, nullable=False, unique=True),
    Column("invoice_count", Integer, nullable=False, server_default="0"),
)

invoice_runs = Table(
    "invoice_runs",
    metadata,
    _id(),
    Column("fee_type_id", UUID(as_uuid=True), ForeignKey("fee_types.id"), nullable=False),
    Column("selection", JSONB, nullable=False),
    Column("per_couple", Boolean, nullable=False, server_default=text("false")),
    Column("invoice_date", Date, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("delivery", Text, nullable=False, server_default="print"),
    Column("actor", JSONB, nullable=False),  # the whole actor header: the worker reads contacts as them
    Column("actor_id", Text, nullable=False),
    Column("actor_username", Text, nullable=False),
    Column("status", Text, nullable=False, server_default="queued"),
    Column("cursor", Text),  # the contacts page to read next: a restarted run resumes here
    Column("pages_done", Integer, nullable=False, server_default="0"),
    Column("invoices_created", Integer, nullable=False, server_default="0"),
    Column("total", MONEY, nullable=False, server_default="0"),
    Column("excluded", JSONB, nullable=False, server_default=text("'{}'::jsonb")),  # reason -> count
    Column("error", Text),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("heartbeat_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("started_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="invoice_runs_status"),
)

invoices = Table(
    "invoices",
    metadata,
    _id(),
    Column("number", BigInteger, nullable=False, unique=True),
    Column("kind", Text, nullable=False, server_default="invoice"),  # invoice | credit_note
    Column("credited_invoice_id", UUID(as_uuid=True), ForeignKey("invoices.id")),
    Column("status", Text, nullable=False, server_default="open"),
    Column("contact_id", UUID(as_uuid=True)),  # the payer; null once erased
    Column("partner_id", UUID(as_uuid=True)),  # the other person of a couple's invoice
    Column("fee_type_id", UUID(as_uuid=True), ForeignKey("fee_types.id")),
    Column("run_id", UUID(as_uuid=True), ForeignKey("invoice_runs.id")),
    Column("payer_name", Text, nullable=False),
    Column("street", Text),
    Column("postal_code", Text),
    Column("city", Text),
    Column("country", Text),
    Column("email", Text),
    Column("language", Text, nullable=False, server_default="fi"),
    Column("delivery", Text, nullable=False, server_default="print"),
    # B3: where an invoice delivered as an e-invoice goes: the payer's e-invoice address (OVT code or IBAN)
    # and operator as their contact had them at issue (0006); cleared by erasure.
    Column("einvoice_address", Text),
    Column("einvoice_operator", Text),
    Column("invoice_date", Date, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("reference", Text, unique=True),  # the Finnish reference (machine format); none on a credit note
    Column("rf_reference", Text),
    Column("net_total", MONEY, nullable=False),
    Column("vat_total", MONEY, nullable=False),
    Column("total", MONEY, nullable=False),
    Column("paid_amount", MONEY, nullable=False, server_default="0"),
    Column("paid_on", Date),
    Column("erased_at", DateTime(timezone=True)),  # the payer was erased: name and address pseudonymised
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # B4 reminders: the payer's kind as invoiced (person: a consumer receivable, organisation: business),
    # the fees and interest its reminders charged (paid before the principal), and a hold (disputed).
    Column("payer_kind", Text, nullable=False, server_default="person"),
    Column("reminder_fees", MONEY, nullable=False, server_default="0"),
    Column("reminder_interest", MONEY, nullable=False, server_default="0"),
    Column("on_hold", Boolean, nullable=False, server_default=text("false")),
    CheckConstraint("kind IN ('invoice', 'credit_note')", name="invoices_kind"),
    CheckConstraint("payer_kind IN ('person', 'organisation')", name="invoices_payer_kind"),
    CheckConstraint(
        "status IN ('open', 'partly_paid', 'paid', 'overpaid', 'credited')", name="invoices_status"
    ),
    Index("invoices_contact", "contact_id"),
    Index("invoices_partner", "partner_id"),
    Index("invoices_run", "run_id"),
    # One live invoice per payer and fee: a run started twice invoices nobody twice (B1).
    Index(
        "invoices_one_per_fee",
        "fee_type_id",
        "contact_id",
        unique=True,
        postgresql_where=text("kind = 'invoice' AND status <> 'credited' AND fee_type_id IS NOT NULL"),
    ),
)

invoice_lines = Table(
    "invoice_lines",
    metadata,
    Column("invoice_id", UUID(as_uuid=True), ForeignKey("invoices.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("description", Text, nullable=False),
    Column("quantity", Numeric(10, 2), nullable=False),
    Column("unit_price", MONEY, nullable=False),
    Column("vat_class", Text, nullable=False),
    Column("vat_rate", Numeric(5, 2), nullable=False),
    Column("account", Text, nullable=False, server_default=""),
    Column("net", MONEY, nullable=False),
    Column("vat", MONEY, nullable=False),
    Column("gross", MONEY, nullable=False),
)

bank_files = Table(
    "bank_files",
    metadata,
    _id(),
    Column("file_name", Text, nullable=False),
    Column("format", Text, nullable=False),
    Column("actor_username", Text, nullable=False),
    Column("payments_new", Integer, nullable=False),
    Column("payments_duplicate", Integer, nullable=False),
    Column("uploaded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

payments = Table(
    "payments",
    metadata,
    _id(),
    Column("archive_id", Text, nullable=False, unique=True),  # recorded once, whichever file brings it
    Column("bank_file_id", UUID(as_uuid=True), ForeignKey("bank_files.id"), nullable=False),
    Column("account", Text, nullable=False),
    Column("booked_on", Date, nullable=False),
    Column("paid_on", Date),
    Column("amount", MONEY, nullable=False),
    Column("reference", Text),
    Column("reference_source", Text, nullable=False),
    Column("payer_name", Text),
    Column("payer_iban", Text),
    Column("location", Text, nullable=False),
    Column("status", Text, nullable=False),  # matched | unmatched
    Column("unmatched_reason", Text),
    Column("invoice_id", UUID(as_uuid=True), ForeignKey("invoices.id")),
    Column("matched_by", Text),  # "reference" or the username of a manual match
    Column("matched_at", DateTime(timezone=True)),
    Column("erased_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("status IN ('matched', 'unmatched')", name="payments_status"),
    Index("payments_unmatched", "created_at", postgresql_where=text("status = 'unmatched'")),
    Index("payments_invoice", "invoice_id"),
)

# B3: each time an invoice was sent as a Finvoice e-invoice through the operator (einvoice/): the
# operator's message id and what it answered; to_identifier (the buyer's e-invoice address) is cleared by
# erasure.
einvoice_sendings = Table(
    "einvoice_sendings",
    metadata,
    _id(),
    Column("invoice_id", UUID(as_uuid=True), ForeignKey("invoices.id"), nullable=False),
    Column("message_id", Text),  # the operator's id; none when it refused the message at once
    Column("status", Text, nullable=False),  # accepted | delivered | rejected
    Column("reason", Text),  # the operator's reason for a rejection
    Column("to_identifier", Text),
    Column("to_intermediator", Text, nullable=False),
    Column("actor_username", Text, nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("status IN ('accepted', 'delivered', 'rejected')", name="einvoice_sendings_status"),
    Index("einvoice_sendings_invoice", "invoice_id", "sent_at"),
    Index("einvoice_sendings_pending", "sent_at", postgresql_where=text("status = 'accepted'")),
)

# B4: the reference rate of Korkolaki 12 § per half-year (1 January / 1 July), as Suomen Pankki publishes
# it; the rows of 0004 are built in, staff add each new half-year's.
reference_rates = Table(
    "reference_rates",
    metadata,
    Column("valid_from", Date, primary_key=True),
    Column("rate", Numeric(5, 2), nullable=False),
    Column("builtin", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint(
        "extract(day FROM valid_from) = 1 AND extract(month FROM valid_from) IN (1, 7)",
        name="reference_rates_half_year",
    ),
)

# B4: a reminder run over the overdue invoices on one day, resumable: ``cursor`` is the last invoice
# number whose reminder is committed (with the run's counts, in the same transaction).
reminder_runs = Table(
    "reminder_runs",
    metadata,
    _id(),
    Column("reminder_date", Date, nullable=False),
    Column("actor", JSONB, nullable=False),
    Column("actor_id", Text, nullable=False),
    Column("actor_username", Text, nullable=False),
    Column("status", Text, nullable=False, server_default="queued"),
    Column("cursor", BigInteger),
    Column("reminders_created", Integer, nullable=False, server_default="0"),
    Column("total", MONEY, nullable=False, server_default="0"),
    Column("excluded", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("error", Text),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("heartbeat_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("started_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="reminder_runs_status"),
)

# B4: each reminder of an invoice, one per level (a run started twice or resumed sends none twice): what it
# charged, the new total and due date, and how it was delivered (print: a PDF to download; einvoice: sent
# to the address the invoice was e-invoiced to; delivery_address is cleared by erasure).
reminders = Table(
    "reminders",
    metadata,
    _id(),
    Column("invoice_id", UUID(as_uuid=True), ForeignKey("invoices.id"), nullable=False),
    Column("run_id", UUID(as_uuid=True), ForeignKey("reminder_runs.id")),
    Column("level", Integer, nullable=False),
    Column("reminder_date", Date, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("days_overdue", Integer, nullable=False),
    Column("receivable", Text, nullable=False),
    Column("principal_open", MONEY, nullable=False),
    Column("fee", MONEY, nullable=False),
    Column("interest", MONEY, nullable=False),
    Column("interest_from", Date),
    Column("interest_to", Date),
    Column("interest_rate", Text),  # the late-payment rate(s) applied, percent a year: "9.50" or "10.50/9.50"
    Column("total", MONEY, nullable=False),
    Column("delivery", Text, nullable=False),
    Column("delivery_status", Text, nullable=False, server_default="pending"),
    Column("delivery_address", Text),
    Column("delivery_detail", Text),
    Column("delivered_at", DateTime(timezone=True)),
    # B4: an e-invoice the operator did not take is tried again (migration 0008): tries so far, next one
    Column("delivery_attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("invoice_id", "level", name="reminders_one_per_level"),
    CheckConstraint("receivable IN ('consumer', 'business')", name="reminders_receivable"),
    CheckConstraint("delivery IN ('print', 'email', 'einvoice')", name="reminders_delivery"),
    CheckConstraint(
        "delivery_status IN ('pending', 'ready', 'sent', 'failed')", name="reminders_delivery_status"
    ),
    Index("reminders_run", "run_id"),
    Index("reminders_pending", "created_at", postgresql_where=text("delivery_status = 'pending'")),
    Index("reminders_retry", "next_attempt_at", postgresql_where=text("next_attempt_at IS NOT NULL")),
)

# B1 federation split (settlement/): the parties a fee is shared with (the national federation, the local
# association, ...): organisations, so no personal data.
settlement_parties = Table(
    "settlement_parties",
    metadata,
    _id(),
    Column("name", Text, nullable=False),
    Column("business_id", Text, nullable=False, unique=True),  # Y-tunnus, "1234567-8" (checked)
    Column("iban", Text),  # where their share is paid (machine form, checked)
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# A fee type's components: each party's part of the fee's amount; they sum exactly to it.
fee_type_components = Table(
    "fee_type_components",
    metadata,
    Column("fee_type_id", UUID(as_uuid=True), ForeignKey("fee_types.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("party_id", UUID(as_uuid=True), ForeignKey("settlement_parties.id"), nullable=False),
    Column("amount", MONEY, nullable=False),
    CheckConstraint("amount > 0", name="fee_type_components_positive"),
    UniqueConstraint("fee_type_id", "party_id", name="fee_type_components_party_once"),
)

# Each invoice line's split among the parties, frozen when the invoice (or its credit note: negated) is
# issued; the line's gross less these is the payee's own part (settlement/rules.py).
invoice_line_splits = Table(
    "invoice_line_splits",
    metadata,
    Column("invoice_id", UUID(as_uuid=True), ForeignKey("invoices.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("party_id", UUID(as_uuid=True), ForeignKey("settlement_parties.id"), primary_key=True),
    Column("party_name", Text, nullable=False),
    Column("amount", MONEY, nullable=False),
    Index("invoice_line_splits_party", "party_id"),
)

# B3: each time an invoice (or another document: document_kind) was sent by e-mail through the mailing
# service: queued until mailing reports mail_sent, mail_bounced or mail_failed. ``request`` holds the mail
# (address, subject, text) only until it is handed to the mailing service (mail_id set), which keeps the
# message log; ``actor`` (the Actor header of who asked) is whom the mail is handed over as.
email_deliveries = Table(
    "email_deliveries",
    metadata,
    _id(),
    Column("document_kind", Text, nullable=False, server_default="invoice"),
    Column("document_id", UUID(as_uuid=True), nullable=False),
    Column("invoice_id", UUID(as_uuid=True), ForeignKey("invoices.id")),
    Column("mail_id", UUID(as_uuid=True), unique=True),
    Column("request", JSONB),  # the mail (address, subject, text) until handed over; then null
    Column("status", Text, nullable=False, server_default="queued"),
    Column("code", Text),
    Column("actor", Text, nullable=False),
    Column("actor_username", Text, nullable=False),
    Column("queued_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("sent_at", DateTime(timezone=True)),
    Column("bounced_at", DateTime(timezone=True)),
    Column("failed_at", DateTime(timezone=True)),
    CheckConstraint("status IN ('queued', 'sent', 'bounced', 'failed')", name="email_deliveries_status"),
    Index("email_deliveries_invoice", "invoice_id", "queued_at"),
    Index("email_deliveries_document", "document_kind", "document_id"),
    Index("email_deliveries_handover", "queued_at", postgresql_where=text("mail_id IS NULL")),
)

# B2: an invoice run's PDFs, made by the billing workers in batches (invoice_pdfs/); pending while both
# pdf and error are null. They hold the payer's name and address: erasure empties pdf and queues the
# pseudonymised invoice again; retention deletes them with their invoice (ON DELETE CASCADE).
invoice_pdfs = Table(
    "invoice_pdfs",
    metadata,
    Column("invoice_id", UUID(as_uuid=True), ForeignKey("invoices.id", ondelete="CASCADE"), primary_key=True),
    Column("run_id", UUID(as_uuid=True), ForeignKey("invoice_runs.id", ondelete="CASCADE")),
    Column("pdf", LargeBinary),
    Column("error", Text),
    Column("queued_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("rendered_at", DateTime(timezone=True)),
    Index(
        "invoice_pdfs_pending", "run_id", "invoice_id", postgresql_where=text("pdf IS NULL AND error IS NULL")
    ),
    Index("invoice_pdfs_run", "run_id"),
)

outbox = outbox_table(metadata)
