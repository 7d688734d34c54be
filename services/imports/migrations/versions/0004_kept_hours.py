"""An import's file and rows are kept only for a while (I1, G5): ``expired_at`` and the status
``expired``.

Revision ID: 0004
Revises: 0003

IMPORT_KEEP_HOURS after an import ends (done, failed, cancelled, undone), or after an upload nobody
went on with was last touched, the imports service deletes the uploaded file, the validated batches,
the rows with errors and the kept first rows; the job stays with its counts, and ``expired_at`` says
when. An import that never started becomes ``expired``; a finished one keeps its status (a done import
can still be undone: the contacts service keeps what the undo needs).
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BEFORE = (
    "uploading", "uploaded", "validating", "validated", "committing", "done", "failed", "cancelled", "undone",
)  # fmt: skip
AFTER = (*BEFORE, "expired")


def upgrade():
    op.add_column("import_jobs", sa.Column("expired_at", sa.DateTime(timezone=True)))
    op.drop_constraint("import_jobs_status", "import_jobs", type_="check")
    op.create_check_constraint("import_jobs_status", "import_jobs", f"status IN {AFTER}")


def downgrade():
    op.execute("UPDATE import_jobs SET status = 'cancelled' WHERE status = 'expired'")
    op.drop_constraint("import_jobs_status", "import_jobs", type_="check")
    op.create_check_constraint("import_jobs_status", "import_jobs", f"status IN {BEFORE}")
    op.drop_column("import_jobs", "expired_at")
