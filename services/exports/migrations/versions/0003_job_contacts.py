"""Which contacts each export file holds, and files deleted by an erasure (G3, G4, issue 19).

Revision ID: 0003
Revises: 0002

- ``export_job_contacts`` (job_id, contact_id): written with the finished file, one row per contact
  in it; the access report lists the exports a person is in, and erasing the person deletes those
  files. Deleted with the job (cascade) and with its file (expiry, erasure).
- ``export_jobs.erased_at``: the file was deleted because a person in it was erased; the job stays.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "export_job_contacts",
        sa.Column("contact_id", UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "job_id",
            UUID(as_uuid=True),
            sa.ForeignKey("export_jobs.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_index("export_job_contacts_job", "export_job_contacts", ["job_id"])
    op.add_column("export_jobs", sa.Column("erased_at", sa.DateTime(timezone=True)))


def downgrade():
    op.drop_column("export_jobs", "erased_at")
    op.drop_table("export_job_contacts")
