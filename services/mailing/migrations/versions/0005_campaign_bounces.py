"""M5 bounce policy: each campaign recipient's bounce (hard | soft) and when, from the campaign's report.

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
    op.add_column("campaign_recipients", sa.Column("bounce", sa.Text))
    op.add_column("campaign_recipients", sa.Column("bounced_at", sa.DateTime(timezone=True)))
    op.create_check_constraint(
        "campaign_recipients_bounce", "campaign_recipients", "bounce IN ('hard', 'soft')"
    )


def downgrade():
    op.drop_constraint("campaign_recipients_bounce", "campaign_recipients")
    op.drop_column("campaign_recipients", "bounced_at")
    op.drop_column("campaign_recipients", "bounce")
