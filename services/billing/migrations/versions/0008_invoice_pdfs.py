"""Stored invoice PDFs (B2): an invoice run's PDFs, rendered in batches by the billing workers after the
run issues them; a row is pending (no pdf, no error) until a worker has made it.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

STAMP = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "invoice_pdfs",
        sa.Column(
            "invoice_id",
            UUID(as_uuid=True),
            sa.ForeignKey("invoices.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("run_id", UUID(as_uuid=True), sa.ForeignKey("invoice_runs.id", ondelete="CASCADE")),
        sa.Column("pdf", sa.LargeBinary()),
        sa.Column("error", sa.Text()),
        sa.Column("queued_at", STAMP, nullable=False, server_default=sa.func.now()),
        sa.Column("rendered_at", STAMP),
    )
    # The pending rows of a run: what the workers claim (FOR UPDATE SKIP LOCKED) and the recovery timer finds.
    op.create_index(
        "invoice_pdfs_pending",
        "invoice_pdfs",
        ["run_id", "invoice_id"],
        postgresql_where=sa.text("pdf IS NULL AND error IS NULL"),
    )
    op.create_index("invoice_pdfs_run", "invoice_pdfs", ["run_id"])
    # Stored PDFs are already deflated by reportlab: no second compression by TOAST.
    op.execute("ALTER TABLE invoice_pdfs ALTER COLUMN pdf SET STORAGE EXTERNAL")


def downgrade():
    op.drop_table("invoice_pdfs")
