"""Q3 deadlines and reviewers' own declarations: a round's submission deadline (submit_until; the review
deadline review_until is there since 0002), and a declared conflict's reason and who declared it (the
reviewer themself in the portal, or the coordinator recording it).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("application_rounds", sa.Column("submit_until", sa.Date))
    op.add_column("reviewer_declarations", sa.Column("reason", sa.Text))
    op.add_column("reviewer_declarations", sa.Column("declared_by", sa.Text))


def downgrade():
    op.drop_column("reviewer_declarations", "declared_by")
    op.drop_column("reviewer_declarations", "reason")
    op.drop_column("application_rounds", "submit_until")
