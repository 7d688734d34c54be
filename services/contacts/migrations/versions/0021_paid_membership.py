"""Paid-up membership from payments (B4, issue 15).

Revision ID: 0021
Revises: 0020

``membership_payments``: the periods billing's ``invoice_paid`` events paid, one row per invoice and
member it covers, withdrawn by ``invoice_credited``. ``membership_flags``: a free or honorary membership,
with its reason. Both are personal data: in the access report, deleted with the contact (cascade).
Automations get the trigger ``membership_paid_changed``.
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "membership_payments",
        sa.Column("invoice_id", sa.UUID(), nullable=False),
        sa.Column("contact_id", sa.UUID(), nullable=False),
        sa.Column("period", sa.Text(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("invoice_id", "contact_id"),
    )
    op.create_index(
        "membership_payments_paid",
        "membership_payments",
        ["period", "contact_id"],
        postgresql_where=sa.text("withdrawn_at IS NULL"),
    )
    op.create_index("membership_payments_contact", "membership_payments", ["contact_id"])
    op.create_table(
        "membership_flags",
        sa.Column("contact_id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("set_by", sa.String(length=150), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("kind IN ('free', 'honorary')", name="membership_flags_kind"),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("contact_id"),
    )
    _triggers("'member_joined', 'member_left', 'date_reached', 'membership_paid_changed'")


def _triggers(allowed):
    op.drop_constraint("automations_trigger", "automations", type_="check")
    op.create_check_constraint("automations_trigger", "automations", f"trigger_type IN ({allowed})")


def downgrade():
    op.execute("DELETE FROM automations WHERE trigger_type = 'membership_paid_changed'")
    _triggers("'member_joined', 'member_left', 'date_reached'")
    op.drop_table("membership_flags")
    op.drop_index("membership_payments_contact", table_name="membership_payments")
    op.drop_index("membership_payments_paid", table_name="membership_payments")
    op.drop_table("membership_payments")
