"""Validated rows kept for the commit (I1): the validation pass stores the valid rows in numbered
batches, and the commit sends those batches instead of reading and validating the file again.

Revision ID: 0002
Revises: 0001

``import_row_batches`` (job_id, chunk_no): the valid rows of one chunk as the JSON the contacts service
takes ([{row, values}]), and ``next_row``, the row number after the chunk's last row. Deleted with the
job, when the mapping changes, when it is validated again and when its commit ends.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "import_row_batches",
        sa.Column(
            "job_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey("import_jobs.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("chunk_no", sa.Integer, primary_key=True),
        sa.Column("next_row", sa.Integer, nullable=False),
        sa.Column("row_count", sa.Integer, nullable=False),
        sa.Column("rows", sa.LargeBinary, nullable=False),
    )


def downgrade():
    op.drop_table("import_row_batches")
