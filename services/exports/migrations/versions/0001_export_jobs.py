"""Export jobs and their files in bytea chunks (I2).

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "export_jobs",
        sa.Column(
            "id", postgresql.UUID(as_uuid=True), primary_key=True, server_default=sa.text("gen_random_uuid()")
        ),
        sa.Column("actor_id", sa.Text, nullable=False),
        sa.Column("actor_username", sa.Text, nullable=False),
        sa.Column("actor", postgresql.JSONB, nullable=False),
        sa.Column("format", sa.Text, nullable=False),
        sa.Column("selection", postgresql.JSONB, nullable=False),
        sa.Column("options", postgresql.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("columns", postgresql.JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("language", sa.Text, nullable=False, server_default="fi"),
        sa.Column("status", sa.Text, nullable=False, server_default="queued"),
        sa.Column("rows_done", sa.Integer, nullable=False, server_default="0"),
        sa.Column("rows_total", sa.Integer),
        sa.Column("rows_written", sa.Integer),
        sa.Column("error", sa.Text),
        sa.Column("file_name", sa.Text),
        sa.Column("content_type", sa.Text),
        sa.Column("size", sa.BigInteger),
        sa.Column("chunk_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="export_jobs_status"),
    )
    op.create_index("export_jobs_actor", "export_jobs", ["actor_id", "created_at"])
    op.create_index("export_jobs_running", "export_jobs", ["status", "heartbeat_at"])
    op.create_table(
        "export_file_chunks",
        sa.Column(
            "job_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey("export_jobs.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )


def downgrade():
    op.drop_table("export_file_chunks")
    op.drop_table("export_jobs")
