"""The match keys a running validation has seen (issue 17): ``import_seen_keys``.

Revision ID: 0007
Revises: 0006

The validating worker kept every row's duplicate-match keys in memory, to find rows of the file that
repeat an earlier one and the chunk each batch must commit after: ~0.4 GB over a 1,000,000-row file.
They are now rows of this table (an UNLOGGED one: a validation after a crash starts afresh), one per
64-bit keyed digest of a key under a salt only the worker holds, read and written once per batch.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "import_seen_keys",
        sa.Column(
            "job_id",
            UUID(as_uuid=True),
            sa.ForeignKey("import_jobs.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("digest", sa.BigInteger, primary_key=True),
        sa.Column("first_row", sa.Integer, nullable=False),
        sa.Column("last_chunk", sa.Integer, nullable=False),
        prefixes=["UNLOGGED"],
    )


def downgrade():
    op.drop_table("import_seen_keys")
