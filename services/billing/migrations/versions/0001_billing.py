"""Billing database (B1-B4): VAT rates (the Finnish rates built in, vat/rules.py), fee types, the number
counters, payers, invoice runs, invoices and their lines, bank files, payments, and the outbox.

Revision ID: 0001
Revises:
"""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from piiri.outbox import create_outbox_v1

# The Finnish VAT rates and the days they took effect (vero.fi; services/billing/vat/rules.py says more).
BUILTIN_VAT_RATES = (
    ("general", "24.00", "2013-01-01"),
    ("general", "25.50", "2024-09-01"),
    ("reduced_food", "14.00", "2013-01-01"),
    ("reduced_food", "13.50", "2026-01-01"),
    ("reduced_culture", "10.00", "2013-01-01"),
    ("reduced_culture", "14.00", "2025-01-01"),
    ("reduced_culture", "13.50", "2026-01-01"),
    ("reduced_press", "10.00", "2013-01-01"),
    ("none", "0.00", "2000-01-01"),
)

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "bank_files",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("format", sa.Text(), nullable=False),
        sa.Column("actor_username", sa.Text(), nullable=False),
        sa.Column("payments_new", sa.Integer(), nullable=False),
        sa.Column("payments_duplicate", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "fee_types",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("vat_class", sa.Text(), nullable=False),
        sa.Column("account", sa.Text(), server_default="", nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "number_counters",
        sa.Column("series", sa.Text(), nullable=False),
        sa.Column("next_number", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("series"),
    )
    create_outbox_v1(op)
    op.create_table(
        "payers",
        sa.Column("contact_id", sa.UUID(), nullable=False),
        sa.Column("payer_number", sa.BigInteger(), nullable=False),
        sa.Column("invoice_count", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("contact_id"),
        sa.UniqueConstraint("payer_number"),
    )
    op.create_table(
        "vat_rates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vat_class", sa.Text(), nullable=False),
        sa.Column("rate", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("builtin", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("vat_class", "valid_from", name="vat_rates_class_day"),
    )
    op.create_table(
        "invoice_runs",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("fee_type_id", sa.UUID(), nullable=False),
        sa.Column("selection", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("per_couple", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("invoice_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("delivery", sa.Text(), server_default="print", nullable=False),
        sa.Column("actor", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("actor_id", sa.Text(), nullable=False),
        sa.Column("actor_username", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), server_default="queued", nullable=False),
        sa.Column("cursor", sa.Text(), nullable=True),
        sa.Column("pages_done", sa.Integer(), server_default="0", nullable=False),
        sa.Column("invoices_created", sa.Integer(), server_default="0", nullable=False),
        sa.Column("total", sa.Numeric(precision=12, scale=2), server_default="0", nullable=False),
        sa.Column(
            "excluded",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="invoice_runs_status"),
        sa.ForeignKeyConstraint(
            ["fee_type_id"],
            ["fee_types.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "invoices",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.Text(), server_default="invoice", nullable=False),
        sa.Column("credited_invoice_id", sa.UUID(), nullable=True),
        sa.Column("status", sa.Text(), server_default="open", nullable=False),
        sa.Column("contact_id", sa.UUID(), nullable=True),
        sa.Column("partner_id", sa.UUID(), nullable=True),
        sa.Column("fee_type_id", sa.UUID(), nullable=True),
        sa.Column("run_id", sa.UUID(), nullable=True),
        sa.Column("payer_name", sa.Text(), nullable=False),
        sa.Column("street", sa.Text(), nullable=True),
        sa.Column("postal_code", sa.Text(), nullable=True),
        sa.Column("city", sa.Text(), nullable=True),
        sa.Column("country", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("language", sa.Text(), server_default="fi", nullable=False),
        sa.Column("delivery", sa.Text(), server_default="print", nullable=False),
        sa.Column("invoice_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.Column("rf_reference", sa.Text(), nullable=True),
        sa.Column("net_total", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("vat_total", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("total", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("paid_amount", sa.Numeric(precision=12, scale=2), server_default="0", nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("kind IN ('invoice', 'credit_note')", name="invoices_kind"),
        sa.CheckConstraint(
            "status IN ('open', 'partly_paid', 'paid', 'overpaid', 'credited')", name="invoices_status"
        ),
        sa.ForeignKeyConstraint(
            ["credited_invoice_id"],
            ["invoices.id"],
        ),
        sa.ForeignKeyConstraint(
            ["fee_type_id"],
            ["fee_types.id"],
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["invoice_runs.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
        sa.UniqueConstraint("reference"),
    )
    op.create_index("invoices_contact", "invoices", ["contact_id"], unique=False)
    op.create_index(
        "invoices_one_per_fee",
        "invoices",
        ["fee_type_id", "contact_id"],
        unique=True,
        postgresql_where=sa.text("kind = 'invoice' AND status <> 'credited' AND fee_type_id IS NOT NULL"),
    )
    op.create_index("invoices_partner", "invoices", ["partner_id"], unique=False)
    op.create_index("invoices_run", "invoices", ["run_id"], unique=False)
    op.create_table(
        "invoice_lines",
        sa.Column("invoice_id", sa.UUID(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("vat_class", sa.Text(), nullable=False),
        sa.Column("vat_rate", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("account", sa.Text(), server_default="", nullable=False),
        sa.Column("net", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("vat", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("gross", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoices.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("invoice_id", "position"),
    )
    op.create_table(
        "payments",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("archive_id", sa.Text(), nullable=False),
        sa.Column("bank_file_id", sa.UUID(), nullable=False),
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column("booked_on", sa.Date(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.Column("reference_source", sa.Text(), nullable=False),
        sa.Column("payer_name", sa.Text(), nullable=True),
        sa.Column("payer_iban", sa.Text(), nullable=True),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("unmatched_reason", sa.Text(), nullable=True),
        sa.Column("invoice_id", sa.UUID(), nullable=True),
        sa.Column("matched_by", sa.Text(), nullable=True),
        sa.Column("matched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("status IN ('matched', 'unmatched')", name="payments_status"),
        sa.ForeignKeyConstraint(
            ["bank_file_id"],
            ["bank_files.id"],
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("archive_id"),
    )
    op.create_index("payments_invoice", "payments", ["invoice_id"], unique=False)
    op.create_index(
        "payments_unmatched",
        "payments",
        ["created_at"],
        unique=False,
        postgresql_where=sa.text("status = 'unmatched'"),
    )

    vat_rates = sa.table(
        "vat_rates",
        sa.column("vat_class", sa.Text),
        sa.column("rate", sa.Numeric(5, 2)),
        sa.column("valid_from", sa.Date),
        sa.column("builtin", sa.Boolean),
    )
    op.bulk_insert(
        vat_rates,
        [
            {
                "vat_class": vat_class,
                "rate": Decimal(rate),
                "valid_from": date.fromisoformat(day),
                "builtin": True,
            }
            for vat_class, rate, day in BUILTIN_VAT_RATES
        ],
    )
    op.execute("INSERT INTO number_counters (series, next_number) VALUES ('payer', 1)")


def downgrade():
    op.drop_index(
        "payments_unmatched", table_name="payments", postgresql_where=sa.text("status = 'unmatched'")
    )
    op.drop_index("payments_invoice", table_name="payments")
    op.drop_table("payments")
    op.drop_table("invoice_lines")
    op.drop_index("invoices_run", table_name="invoices")
    op.drop_index("invoices_partner", table_name="invoices")
    op.drop_index(
        "invoices_one_per_fee",
        table_name="invoices",
        postgresql_where=sa.text("kind = 'invoice' AND status <> 'credited' AND fee_type_id IS NOT NULL"),
    )
    op.drop_index("invoices_contact", table_name="invoices")
    op.drop_table("invoices")
    op.drop_table("invoice_runs")
    op.drop_table("vat_rates")
    op.drop_table("payers")
    op.drop_table("outbox")
    op.drop_table("number_counters")
    op.drop_table("fee_types")
    op.drop_table("bank_files")
