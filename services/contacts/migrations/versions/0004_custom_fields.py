"""Custom fields defined by admins at run time, and their values per contact (C3).

Removing a definition sets ``removed_at``: its values stay until the definition is purged.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

UUID = postgresql.UUID(as_uuid=True)


def upgrade():
    op.create_table(
        "custom_fields",
        sa.Column("id", UUID, primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("key", sa.String(60), nullable=False, unique=True),
        sa.Column("label_fi", sa.String(200), nullable=False),
        sa.Column("label_en", sa.String(200), nullable=False),
        sa.Column("field_type", sa.String(20), nullable=False),
        sa.Column("required", sa.Boolean, nullable=False, server_default=sa.text("false")),
        sa.Column("unique_values", sa.Boolean, nullable=False, server_default=sa.text("false")),
        sa.Column("help_fi", sa.Text),
        sa.Column("help_en", sa.Text),
        sa.Column("choices", postgresql.JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("removed_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint(
            "field_type IN ('text', 'number', 'date', 'choice', 'multi_choice', 'boolean', 'contact_link')",
            name="custom_fields_type",
        ),
    )
    op.create_table(
        "custom_values",
        sa.Column("contact_id", UUID, sa.ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("field_id", UUID, sa.ForeignKey("custom_fields.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("value", postgresql.JSONB, nullable=False),
        sa.Column("value_text", sa.Text, nullable=False),
    )
    op.create_index("custom_values_field_text", "custom_values", ["field_id", "value_text"])
    op.create_index(
        "custom_values_text_trgm",
        "custom_values",
        ["value_text"],
        postgresql_using="gin",
        postgresql_ops={"value_text": "gin_trgm_ops"},
    )


def downgrade():
    op.drop_table("custom_values")
    op.drop_table("custom_fields")
