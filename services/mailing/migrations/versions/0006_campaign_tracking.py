"""M4: each campaign recipient's opens and clicks, pulled from Campaign Monitor with the report (tracked
there only for contacts who consented to tracking, ConsentToTrack "Yes"): how often they opened and
clicked, the links they clicked and when they last did. Personal data: read-audited with the ledger, in
the access report, emptied by erasure with the ledger row.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("campaign_recipients", sa.Column("opens", sa.Integer))
    op.add_column("campaign_recipients", sa.Column("clicks", sa.Integer))
    op.add_column("campaign_recipients", sa.Column("links", postgresql.JSONB))
    op.add_column("campaign_recipients", sa.Column("last_opened_at", sa.DateTime(timezone=True)))
    op.add_column("campaign_recipients", sa.Column("last_clicked_at", sa.DateTime(timezone=True)))


def downgrade():
    for name in ("last_clicked_at", "last_opened_at", "links", "clicks", "opens"):
        op.drop_column("campaign_recipients", name)
