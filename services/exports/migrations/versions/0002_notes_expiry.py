"""Export jobs: what a format left out (notes), and files that expire.

Revision ID: 0002
Revises: 0001

- ``notes`` (JSONB): counts a format reports beside the rows written, e.g. labels
  {"skipped_no_address": 3, "skipped_couple_partner": 2}, shown on the job's page and in the API.
- ``expired`` status and ``expired_at``: a finished file is deleted EXPORT_KEEP_HOURS after it was made
  (a file of personal data is not kept longer than it is needed); the job stays, without its file.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "export_jobs",
        sa.Column("notes", postgresql.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    )
    op.add_column("export_jobs", sa.Column("expired_at", sa.DateTime(timezone=True)))
    op.drop_constraint("export_jobs_status", "export_jobs", type_="check")
    op.create_check_constraint(
        "export_jobs_status", "export_jobs", "status IN ('queued', 'running', 'done', 'failed', 'expired')"
    )
    op.create_index(
        "export_jobs_finished", "export_jobs", ["finished_at"], postgresql_where=sa.text("status = 'done'")
    )


def downgrade():
    op.drop_index("export_jobs_finished", table_name="export_jobs")
    op.execute("UPDATE export_jobs SET status = 'failed' WHERE status = 'expired'")
    op.drop_constraint("export_jobs_status", "export_jobs", type_="check")
    op.create_check_constraint(
        "export_jobs_status", "export_jobs", "status IN ('queued', 'running', 'done', 'failed')"
    )
    op.drop_column("export_jobs", "expired_at")
    op.drop_column("export_jobs", "notes")
