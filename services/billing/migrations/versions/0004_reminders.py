"""Reminders (B4): invoices' payer kind, reminder charges and hold; the reference-rate table with the
Suomen Pankki rates of recent half-years; reminder runs and reminders (one per invoice and level).

Revision ID: 0004
Revises: 0003
"""

from datetime import date

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(12, 2)
# Korkolaki 12 § reference rates as Suomen Pankki announced them (docs/reminders.md lists the sources);
# 2025-07-01 is the ECB main refinancing rate of 2.15 % before that day rounded up to the half point.
RATES = [
    (date(2023, 1, 1), "2.50"),
    (date(2023, 7, 1), "4.00"),
    (date(2024, 1, 1), "4.50"),
    (date(2024, 7, 1), "4.50"),
    (date(2025, 1, 1), "3.50"),
    (date(2025, 7, 1), "2.50"),
    (date(2026, 1, 1), "2.50"),
]


def _id():
    return sa.Column("id", UUID(as_uuid=True), primary_key=True, server_default=sa.text("gen_random_uuid()"))


def upgrade():
    op.add_column("invoices", sa.Column("payer_kind", sa.Text(), nullable=False, server_default="person"))
    op.add_column("invoices", sa.Column("reminder_fees", MONEY, nullable=False, server_default="0"))
    op.add_column("invoices", sa.Column("reminder_interest", MONEY, nullable=False, server_default="0"))
    op.add_column(
        "invoices", sa.Column("on_hold", sa.Boolean(), nullable=False, server_default=sa.text("false"))
    )
    op.create_check_constraint("invoices_payer_kind", "invoices", "payer_kind IN ('person', 'organisation')")
    rates = op.create_table(
        "reference_rates",
        sa.Column("valid_from", sa.Date(), primary_key=True),
        sa.Column("rate", sa.Numeric(5, 2), nullable=False),
        sa.Column("builtin", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint(
            "extract(day FROM valid_from) = 1 AND extract(month FROM valid_from) IN (1, 7)",
            name="reference_rates_half_year",
        ),
    )
    op.bulk_insert(rates, [{"valid_from": day, "rate": rate, "builtin": True} for day, rate in RATES])
    op.create_table(
        "reminder_runs",
        _id(),
        sa.Column("reminder_date", sa.Date(), nullable=False),
        sa.Column("actor", JSONB(), nullable=False),
        sa.Column("actor_id", sa.Text(), nullable=False),
        sa.Column("actor_username", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False, server_default="queued"),
        sa.Column("cursor", sa.BigInteger()),
        sa.Column("reminders_created", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("total", MONEY, nullable=False, server_default="0"),
        sa.Column("excluded", JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("error", sa.Text()),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="reminder_runs_status"),
    )
    op.create_table(
        "reminders",
        _id(),
        sa.Column("invoice_id", UUID(as_uuid=True), sa.ForeignKey("invoices.id"), nullable=False),
        sa.Column("run_id", UUID(as_uuid=True), sa.ForeignKey("reminder_runs.id")),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("reminder_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("days_overdue", sa.Integer(), nullable=False),
        sa.Column("receivable", sa.Text(), nullable=False),
        sa.Column("principal_open", MONEY, nullable=False),
        sa.Column("fee", MONEY, nullable=False),
        sa.Column("interest", MONEY, nullable=False),
        sa.Column("interest_from", sa.Date()),
        sa.Column("interest_to", sa.Date()),
        sa.Column("interest_rate", sa.Text()),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("delivery", sa.Text(), nullable=False),
        sa.Column("delivery_status", sa.Text(), nullable=False, server_default="pending"),
        sa.Column("delivery_address", sa.Text()),
        sa.Column("delivery_detail", sa.Text()),
        sa.Column("delivered_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("invoice_id", "level", name="reminders_one_per_level"),
        sa.CheckConstraint("receivable IN ('consumer', 'business')", name="reminders_receivable"),
        sa.CheckConstraint("delivery IN ('print', 'email', 'einvoice')", name="reminders_delivery"),
        sa.CheckConstraint(
            "delivery_status IN ('pending', 'ready', 'sent', 'failed')", name="reminders_delivery_status"
        ),
    )
    op.create_index("reminders_run", "reminders", ["run_id"])
    op.create_index(
        "reminders_pending",
        "reminders",
        ["created_at"],
        postgresql_where=sa.text("delivery_status = 'pending'"),
    )


def downgrade():
    op.drop_table("reminders")
    op.drop_table("reminder_runs")
    op.drop_table("reference_rates")
    op.drop_constraint("invoices_payer_kind", "invoices")
    for name in ("on_hold", "reminder_interest", "reminder_fees", "payer_kind"):
        op.drop_column("invoices", name)
