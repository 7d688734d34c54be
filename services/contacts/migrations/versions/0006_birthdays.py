"""Round-birthday reminders (C13): settings, and the days whose reminder was already sent.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "birthday_settings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "round_ages",
            postgresql.ARRAY(sa.Integer),
            nullable=False,
            server_default=sa.text("'{50,60,70,75,80,85,90,95,100}'"),
        ),
        sa.Column("horizon_days", sa.Integer, nullable=False, server_default="60"),
        sa.Column(
            "important_filters", postgresql.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("id = 1", name="birthday_settings_single_row"),
    )
    op.execute("INSERT INTO birthday_settings (id) VALUES (1)")
    op.create_table(
        "birthday_reminders",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("contact_ids", postgresql.ARRAY(postgresql.UUID(as_uuid=True)), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    # Living persons in birth-date then name order: one index-only scan per round age (C13, C5).
    op.create_index(
        "contacts_birth_date",
        "contacts",
        ["birth_date", "sort_name", "id"],
        postgresql_where=sa.text("kind = 'person' AND deceased_on IS NULL"),
    )


def downgrade():
    op.drop_index("contacts_birth_date", table_name="contacts")
    op.drop_table("birthday_reminders")
    op.drop_table("birthday_settings")
