"""An import's file and rows deleted by an erasure (G4, issue 19): ``erased_at``.

Revision ID: 0005
Revises: 0004

When a person is erased, the imports that created or changed them (named by the contacts service in
``contact_erasure_requested``) lose their uploaded file, validated batches, rows with errors and kept
first rows at once, as if they had expired; ``erased_at`` says when, so that reading them is refused
with the right reason. The job stays with its counts.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("import_jobs", sa.Column("erased_at", sa.DateTime(timezone=True)))


def downgrade():
    op.drop_column("import_jobs", "erased_at")
