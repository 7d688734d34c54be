"""Decisions on applications (Q3): the coordinator's note for the decision letter, who decided and when;
and the applicant's name as entered, which reviewers see only in a round that is not blind.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("applications", sa.Column("applicant_name", sa.Text))
    op.add_column("applications", sa.Column("decision_note", sa.Text))
    op.add_column("applications", sa.Column("decided_by", sa.Text))
    op.add_column("applications", sa.Column("decided_at", sa.DateTime(timezone=True)))


def downgrade():
    op.drop_column("applications", "decided_at")
    op.drop_column("applications", "decided_by")
    op.drop_column("applications", "decision_note")
    op.drop_column("applications", "applicant_name")
