"""Person-organisation links with a role, and contact photos (C2).

Revision ID: 0012
Revises: 0011

- ``affiliations``: a person's link to an organisation contact with a role (employee, board member,
  chair, member, contact person, volunteer, other), an optional title and dates; ``is_primary`` marks
  the person's main organisation (shown on name cards and letters). One link per person,
  organisation and role.
- ``contact_photos``: one photo per contact (JPEG, PNG or WebP, checked by the service), kept apart
  from the contacts row so that lists and searches never read it.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

UUID = postgresql.UUID(as_uuid=True)
ROLES = "('employee', 'board_member', 'chair', 'member', 'contact_person', 'volunteer', 'other')"


def upgrade():
    op.create_table(
        "affiliations",
        sa.Column("id", UUID, primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("person_id", UUID, sa.ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("organisation_id", UUID, sa.ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("title", sa.String(100)),
        sa.Column("starts_on", sa.Date),
        sa.Column("ends_on", sa.Date),
        sa.Column("is_primary", sa.Boolean, nullable=False, server_default=sa.text("false")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint(f"role IN {ROLES}", name="affiliations_role"),
        sa.CheckConstraint("person_id <> organisation_id", name="affiliations_not_self"),
        sa.CheckConstraint(
            "ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="affiliations_dates"
        ),
        sa.UniqueConstraint("person_id", "organisation_id", "role", name="affiliations_once"),
    )
    op.create_index("affiliations_person", "affiliations", ["person_id"])
    op.create_index("affiliations_organisation", "affiliations", ["organisation_id"])
    op.create_table(
        "contact_photos",
        sa.Column("contact_id", UUID, sa.ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("content_type", sa.String(20), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint(
            "content_type IN ('image/jpeg', 'image/png', 'image/webp')", name="contact_photos_type"
        ),
    )


def downgrade():
    op.drop_table("contact_photos")
    op.drop_index("affiliations_organisation", table_name="affiliations")
    op.drop_index("affiliations_person", table_name="affiliations")
    op.drop_table("affiliations")
