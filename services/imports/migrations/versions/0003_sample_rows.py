"""The first rows of an uploaded file kept with its job, for the preview (I1).

Revision ID: 0003
Revises: 0002

``import_jobs.sample_rows``: the first rows as the reader gave them ([[row number, cells], ...], typed
cells tagged: services/imports/sample.py), written when the upload is finished; NULL for a file whose
rows JSON cannot keep (its preview reads the file) and for jobs uploaded before this revision.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("import_jobs", sa.Column("sample_rows", postgresql.JSONB))


def downgrade():
    op.drop_column("import_jobs", "sample_rows")
