"""Imports database: import jobs, their uploaded files, row errors, remembered mappings, outbox.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from piiri.outbox import create_outbox_v1
from services.imports.models import STATUSES

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "import_jobs",
        sa.Column(
            "id", postgresql.UUID(as_uuid=True), primary_key=True, server_default=sa.text("gen_random_uuid()")
        ),
        sa.Column("filename", sa.String(300), nullable=False),
        sa.Column("source", sa.String(10), nullable=False, server_default="file"),
        sa.Column("actor", postgresql.JSONB, nullable=False),
        sa.Column("actor_username", sa.String(150), nullable=False),
        sa.Column("status", sa.String(12), nullable=False, server_default="uploading"),
        sa.Column("file_size", sa.Integer, nullable=False, server_default="0"),
        sa.Column("sheet", sa.String(200)),
        sa.Column("sheet_names", postgresql.JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("headers", postgresql.JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("header_signature", sa.String(64)),
        sa.Column("mapping", postgresql.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("options", postgresql.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("total_rows", sa.Integer, nullable=False, server_default="0"),
        sa.Column("validated_rows", sa.Integer, nullable=False, server_default="0"),
        sa.Column("invalid_rows", sa.Integer, nullable=False, server_default="0"),
        sa.Column("committed_rows", sa.Integer, nullable=False, server_default="0"),
        sa.Column("counts", postgresql.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("error", postgresql.JSONB),
        sa.Column("phase", sa.String(10)),
        sa.Column("next_chunk", sa.Integer, nullable=False, server_default="1"),
        sa.Column("next_row", sa.Integer),
        sa.Column("worker_id", sa.String(100)),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint(f"status IN {STATUSES}", name="import_jobs_status"),
    )
    op.create_index("import_jobs_created", "import_jobs", ["created_at"])
    op.create_index(
        "import_jobs_active",
        "import_jobs",
        ["status", "heartbeat_at"],
        postgresql_where=sa.text("phase IS NOT NULL"),
    )
    op.create_table(
        "import_files",
        sa.Column(
            "job_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey("import_jobs.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "import_row_errors",
        sa.Column(
            "job_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey("import_jobs.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("row_number", sa.Integer, primary_key=True),
        sa.Column("errors", postgresql.JSONB, nullable=False),
        sa.Column("cells", postgresql.JSONB, nullable=False),
    )
    op.create_table(
        "import_mappings",
        sa.Column("signature", sa.String(64), primary_key=True),
        sa.Column("mapping", postgresql.JSONB, nullable=False),
        sa.Column("updated_by", sa.String(150), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    create_outbox_v1(op)


def downgrade():
    op.drop_table("outbox")
    op.drop_table("import_mappings")
    op.drop_table("import_row_errors")
    op.drop_table("import_files")
    op.drop_index("import_jobs_active", table_name="import_jobs")
    op.drop_index("import_jobs_created", table_name="import_jobs")
    op.drop_table("import_jobs")
